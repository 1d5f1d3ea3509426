import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Button, Create, CreateButton, DataTable, DateField, Link, List, Loading, NumberInput, required, SelectInput, Show, SimpleForm, TextInput, TopToolbar, usePermissions, useRecordContext } from 'react-admin';
import { EVALUATION_STATUSES, type Evaluation } from '../api/types.js';
import { choicesOf } from '../format.js';
import { canPromote } from '../models/models.js';
import { EmptyState } from '../resources/EmptyState.js';
import { JobProgress, pollWhileLive } from '../resources/JobProgress.js';
import { formatMetric, metricValue, splitLabel } from './evaluation-data.js';
import { Fact } from '../resources/Fact.js';

const Col = DataTable.Col<Evaluation>;

/** A live bar while the job runs (percent, phase, shards), the final state after. */
export function EvaluationProgress({ e }: { e: Evaluation }) {
  const shards = e.progress.shards && e.progress.shards > 1 ? ` · shards ${e.progress.shardsDone ?? 0}/${e.progress.shards}` : '';
  return <JobProgress status={e.status} percent={e.progress.percent} caption={`${e.progress.phase}${shards}`} />;
}

const evaluationFilters = [
  <TextInput key="model" source="model" label="Model" alwaysOn />,
  <SelectInput key="status" source="status" label="Status" choices={choicesOf(EVALUATION_STATUSES)} alwaysOn />,
  <TextInput key="dataset" source="dataset" label="Dataset fingerprint" />,
];


function ListActions() {
  const { permissions } = usePermissions();
  return (
    <TopToolbar>
      <Button label="Compare two" to="/compare" />
      {canPromote(permissions) && <CreateButton label="Evaluate" />}
    </TopToolbar>
  );
}

const SPLITS = [
  { id: 'temporal', name: 'Temporal (default: the version’s training cut-off)' },
  { id: 'leave_last_n', name: 'Leave last n per user' },
  { id: 'random_ratio', name: 'Random share per user' },
];

/** Queues an evaluation; bad input (unknown model, k, leakage) comes back as the API's typed error. */
export function EvaluationCreate() {
  return (
    <Create redirect="show" title="Evaluate a model version">
      <SimpleForm defaultValues={{ k: '5,10,20', shards: 1 }}>
        <TextInput source="modelRef" label="Model version (name@alias or name/3)" validate={required()} />
        <TextInput source="k" label="Cut-offs k (comma-separated)" />
        <SelectInput source="split" choices={SPLITS} />
        <TextInput source="cutoff" label="Temporal cut-off (ISO time)" />
        <NumberInput source="n" label="Leave last n" />
        <NumberInput source="testRatio" label="Random test share" step={0.05} />
        <NumberInput source="shards" label="Shards (parallel queue jobs)" min={1} max={64} />
      </SimpleForm>
    </Create>
  );
}

export function EvaluationList() {
  return (
    <List
      exporter={false}
      filters={evaluationFilters}
      perPage={25}
      actions={<ListActions />}
      queryOptions={{ refetchInterval: (q: { state: { data?: { data?: Evaluation[] } } }) => pollWhileLive(q.state.data?.data) }}
      empty={<EmptyState title="No evaluations yet">Run one with `matchlab evaluate run --model NAME@champion --follow`.</EmptyState>}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="createdAt" label="Started" disableSort>
          <DateField source="createdAt" showTime />
        </Col>
        <Col source="modelRef" label="Model" disableSort render={(e) => `${e.modelRef} (${e.strategy})`} />
        <Col label="Split" disableSort render={(e) => splitLabel(e.protocol)} />
        <Col label="Users" disableSort render={(e) => e.dataset?.users?.toLocaleString('en-US') ?? '—'} />
        <Col label="NDCG@10" disableSort render={(e) => formatMetric(metricValue(e.metrics, 'ndcg@10'))} />
        <Col label="Status" disableSort render={(e) => <EvaluationProgress e={e} />} />
      </DataTable>
    </List>
  );
}

/** Metric families as rows, cut-offs as columns: value and its 95% bootstrap interval. */
export function MetricTable({ e }: { e: Evaluation }) {
  const names = e.metrics.map((m) => m.name);
  return (
    <Table size="small" data-testid="evaluation-metrics">
      <TableHead>
        <TableRow>
          <TableCell>Metric</TableCell>
          <TableCell align="right">Value</TableCell>
          <TableCell align="right">95% CI</TableCell>
          <TableCell align="right">Users</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {names.map((name) => {
          const m = e.metrics.find((x) => x.name === name)!;
          return (
            <TableRow key={name}>
              <TableCell>{name}</TableCell>
              <TableCell align="right">{formatMetric(m.value)}</TableCell>
              <TableCell align="right">{m.ciLow == null ? '—' : `[${formatMetric(m.ciLow)}, ${formatMetric(m.ciHigh)}]`}</TableCell>
              <TableCell align="right">{m.users.toLocaleString('en-US')}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function EvaluationDetails() {
  const e = useRecordContext<Evaluation>();
  if (!e || e.createdBy === undefined) return <Loading />;
  const d = e.dataset;
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {`Evaluation of ${e.modelRef}`}
      </Typography>
      <Box sx={{ mb: 2 }}>
        <EvaluationProgress e={e} />
      </Box>
      {e.error && <Alert severity={e.status === 'cancelled' ? 'warning' : 'error'} sx={{ mb: 2 }}>{`${e.errorCode ?? 'ERROR'}: ${e.error}`}</Alert>}
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'repeat(3, minmax(0, 1fr))' }, gap: 3 }}>
        <Box>
          <Fact label="Model version">
            <Link to={`/models/${encodeURIComponent(e.model)}/show`}>{`${e.model}/${e.version}`}</Link>
            {` (${e.strategy}, ${e.mode})`}
          </Fact>
          <Fact label="Split">{splitLabel(e.protocol)}</Fact>
          <Fact label="Relevance">{`${(e.protocol.grades ?? []).map((g) => `${g.type} ${g.grade}`).join(', ')}; relevant from ${e.protocol.threshold}; gain ${e.protocol.gain}${e.protocol.excludeTraining ? '; training items excluded' : ''}`}</Fact>
        </Box>
        <Box>
          <Fact label="Users evaluated">{d?.users?.toLocaleString('en-US') ?? '—'}</Fact>
          <Fact label="Interactions (train / test)">{d ? `${d.interactions?.toLocaleString('en-US')} (${d.trainInteractions?.toLocaleString('en-US')} / ${d.testInteractions?.toLocaleString('en-US')})` : '—'}</Fact>
          <Fact label="Dataset">{d ? `${d.fingerprint.slice(0, 16)}… as of ${d.asOf ? new Date(d.asOf).toLocaleString() : '—'}` : '—'}</Fact>
        </Box>
        <Box>
          <Fact label="Shards">{e.shards}</Fact>
          <Fact label="Duration">{e.durationSeconds == null ? '—' : `${e.durationSeconds.toFixed(2)} s`}</Fact>
          <Fact label="Started by">{`${e.createdBy} · ${new Date(e.createdAt).toLocaleString()}`}</Fact>
        </Box>
      </Box>
      {e.metrics.length > 0 && <MetricTable e={e} />}
    </Box>
  );
}

export function EvaluationShow() {
  return (
    <Show queryOptions={{ refetchInterval: (q: { state: { data?: Evaluation } }) => pollWhileLive(q.state.data ? [q.state.data] : undefined) }}>
      <EvaluationDetails />
    </Show>
  );
}
