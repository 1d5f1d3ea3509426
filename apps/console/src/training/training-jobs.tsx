import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Create,
  DataTable,
  DateField,
  List,
  Loading,
  NumberInput,
  ReferenceInput,
  SearchInput,
  SelectInput,
  Show,
  SimpleForm,
  TextInput,
  TopToolbar,
  CreateButton,
  required,
  useDataProvider,
  usePermissions,
  useRecordContext,
} from 'react-admin';
import type { TrainingJob } from '../api/types.js';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { choicesOf } from '../format.js';
import { canPromote } from '../models/models.js';
import { EmptyState } from '../resources/EmptyState.js';
import { JobProgress, LIVE_STATUSES, pollWhileLive } from '../resources/JobProgress.js';

const Col = DataTable.Col<TrainingJob>;
export const STRATEGIES = ['popularity', 'content', 'item-knn', 'user-knn', 'als', 'ease', 'two-tower', 'hybrid'] as const;

/** "fit:epoch 3/10 · loss 0.4123", "trial 2/6 · …". */
export function trainingCaption(p: TrainingJob['progress']): string {
  const parts = [p.phase];
  if (p.trials) parts.push(`trial ${p.trial ?? 0}/${p.trials}`);
  if (p.iterations) parts.push(`iteration ${p.iteration ?? 0}/${p.iterations}`);
  if (p.loss != null) parts.push(`loss ${p.loss.toFixed(4)}`);
  return parts.join(' · ');
}

function Actions() {
  const { permissions } = usePermissions();
  return <TopToolbar>{canPromote(permissions) && <CreateButton label="Train" />}</TopToolbar>;
}

export function TrainingJobList() {
  return (
    <List
      exporter={false}
      sort={{ field: 'createdAt', order: 'DESC' }}
      filters={[<SearchInput key="q" source="q" placeholder="Search model, strategy, who" alwaysOn />]}
      perPage={25}
      actions={<Actions />}
      queryOptions={{ refetchInterval: (q: { state: { data?: { data?: TrainingJob[] } } }) => pollWhileLive(q.state.data?.data) }}
      empty={<EmptyState title="No training jobs yet">Train with `matchlab train --model NAME --strategy als --follow`, or the Train button.</EmptyState>}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="createdAt" label="Started">
          <DateField source="createdAt" showTime />
        </Col>
        <Col source="model" />
        <Col source="strategy" />
        <Col source="kind" />
        <Col label="Version" disableSort render={(j) => (j.version == null ? '—' : `v${j.version}`)} />
        <Col label="Progress" disableSort render={(j) => <JobProgress status={j.status} percent={j.progress.percent} caption={trainingCaption(j.progress)} />} />
      </DataTable>
    </List>
  );
}

const CANCEL = 'mutation ConsoleCancelTraining($id: ID!) { cancelTraining(id: $id) { id status } }';

function TrainingJobDetails() {
  const j = useRecordContext<TrainingJob>();
  const dp = useDataProvider<MatchlabDataProvider>();
  const client = useQueryClient();
  const { permissions } = usePermissions();
  const cancel = useMutation({ mutationFn: () => dp.query(CANCEL, { id: j!.id }), onSettled: () => client.invalidateQueries() });
  if (!j || j.logs === undefined) return <Loading />;
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {`Training ${j.model} (${j.strategy})`}
      </Typography>
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', mb: 2 }}>
        <JobProgress status={j.status} percent={j.progress.percent} caption={trainingCaption(j.progress)} />
        {canPromote(permissions) && LIVE_STATUSES.includes(j.status) && <Button label="Cancel" onClick={() => cancel.mutate()} disabled={cancel.isPending} />}
      </Box>
      {j.error && <Alert severity={j.status === 'cancelled' ? 'warning' : 'error'} sx={{ mb: 2 }}>{`${j.errorCode ?? 'ERROR'}: ${j.error}`}</Alert>}
      {cancel.error && <Alert severity="error" sx={{ mb: 2 }}>{(cancel.error as Error).message}</Alert>}
      <Typography variant="body2">{`Params: ${j.params}`}</Typography>
      <Typography variant="body2">{`Options: ${j.options ?? '—'}`}</Typography>
      <Typography variant="body2" gutterBottom>{`Result: ${j.version == null ? '—' : `version ${j.model}/${j.version}`}`}</Typography>
      <Typography variant="subtitle2" color="text.secondary" sx={{ mt: 2 }}>
        Log
      </Typography>
      <Paper variant="outlined" sx={{ p: 1, fontFamily: 'monospace', fontSize: 12, whiteSpace: 'pre-wrap', maxHeight: 360, overflow: 'auto' }} data-testid="training-log">
        {j.logs.join('\n') || '—'}
      </Paper>
    </Box>
  );
}

export function TrainingJobShow() {
  return (
    <Show queryOptions={{ refetchInterval: (q: { state: { data?: TrainingJob } }) => pollWhileLive(q.state.data ? [q.state.data] : undefined) }}>
      <TrainingJobDetails />
    </Show>
  );
}

/** Queues a training job; the API validates strategy and params and answers with a typed error the form shows. */
export function TrainingJobCreate() {
  return (
    <Create redirect="show" title="Train a model version">
      <SimpleForm>
        <ReferenceInput source="model" reference="models" sort={{ field: 'name', order: 'ASC' }}>
          <SelectInput optionText="name" label="Model" validate={required()} />
        </ReferenceInput>
        <SelectInput source="strategy" label="Strategy (default: the model's)" choices={choicesOf(STRATEGIES)} />
        <TextInput source="params" label="Hyperparameters (JSON)" helperText='e.g. {"factors": 64, "iterations": 15}' multiline />
        <TextInput source="cutoff" label="Cut-off (ISO time; default now)" />
        <NumberInput source="validationFraction" label="Validation fraction (default 0.1)" step={0.05} />
      </SimpleForm>
    </Create>
  );
}
