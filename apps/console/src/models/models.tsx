import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, DataTable, DateField, List, Loading, SearchInput, Show, useDataProvider, usePermissions, useRecordContext } from 'react-admin';
import type { AliasHistoryEntry, Model, ModelVersion } from '../api/types.js';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { formatMetric, metricValue } from '../evaluations/evaluation-data.js';
import { EmptyState } from '../resources/EmptyState.js';

const Col = DataTable.Col<Model>;

/** Roles that may move aliases (the API checks it again: `models:promote`). */
export const canPromote = (role: unknown) => role === 'admin' || role === 'ml_engineer';

function AliasChips({ aliases }: { aliases: Array<{ alias: string; version: number }> }) {
  if (!aliases.length) return <>—</>;
  return (
    <Stack direction="row" sx={{ gap: 0.5, flexWrap: 'wrap' }}>
      {aliases.map((a) => (
        <Chip key={a.alias} size="small" color={a.alias === 'champion' ? 'success' : 'default'} label={`${a.alias} → v${a.version}`} />
      ))}
    </Stack>
  );
}

export function ModelList() {
  return (
    <List
      exporter={false}
      sort={{ field: 'name', order: 'ASC' }}
      filters={[<SearchInput key="q" source="q" placeholder="Search name, strategy, owner" alwaysOn />]}
      perPage={25}
      empty={<EmptyState title="No models yet">Train one with `matchlab train --model NAME --strategy als --follow`.</EmptyState>}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="name" />
        <Col source="strategy" />
        <Col source="owner" />
        <Col label="Versions" disableSort render={(m) => m.versions.length} />
        <Col label="Aliases" disableSort render={(m) => <AliasChips aliases={m.aliases} />} />
        <Col source="createdAt" label="Created">
          <DateField source="createdAt" />
        </Col>
      </DataTable>
    </List>
  );
}

function VersionTable({ versions }: { versions: ModelVersion[] }) {
  return (
    <Table size="small" data-testid="model-versions">
      <TableHead>
        <TableRow>
          <TableCell>Version</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Aliases</TableCell>
          <TableCell align="right">NDCG@10</TableCell>
          <TableCell align="right">MAP@10</TableCell>
          <TableCell align="right">Recall@10</TableCell>
          <TableCell>Params</TableCell>
          <TableCell>Trained</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {[...versions].sort((a, b) => b.version - a.version).map((v) => (
          <TableRow key={v.version}>
            <TableCell>{`v${v.version}`}</TableCell>
            <TableCell>{v.status}</TableCell>
            <TableCell>{v.aliases.join(', ') || '—'}</TableCell>
            <TableCell align="right">{formatMetric(metricValue(v.metrics, 'ndcg@10'))}</TableCell>
            <TableCell align="right">{formatMetric(metricValue(v.metrics, 'map@10'))}</TableCell>
            <TableCell align="right">{formatMetric(metricValue(v.metrics, 'recall@10'))}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', fontSize: 12, maxWidth: 260, overflowWrap: 'anywhere' }}>{v.params}</TableCell>
            <TableCell>{`${new Date(v.createdAt).toLocaleString()} · ${v.trainingSeconds.toFixed(1)} s · ${v.createdBy}`}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const HISTORY = `query ConsoleAliasHistory($model: String!) {
  aliasHistory(model: $model) { id alias action actor at fromVersion toVersion reason experimentKey }
}`;

function AliasHistory({ model }: { model: string }) {
  const dp = useDataProvider<MatchlabDataProvider>();
  const history = useQuery({ queryKey: ['aliasHistory', model], queryFn: () => dp.query<{ aliasHistory: AliasHistoryEntry[] }>(HISTORY, { model }) });
  if (history.error) return <Alert severity="error">{(history.error as Error).message}</Alert>;
  if (!history.data) return <Loading />;
  const rows = history.data.aliasHistory;
  if (!rows.length) return <Typography color="text.secondary">No alias has moved yet.</Typography>;
  return (
    <Table size="small" data-testid="alias-history">
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Alias</TableCell>
          <TableCell>Change</TableCell>
          <TableCell>Who</TableCell>
          <TableCell>Reason</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((h) => (
          <TableRow key={h.id}>
            <TableCell>{new Date(h.at).toLocaleString()}</TableCell>
            <TableCell>{h.alias}</TableCell>
            <TableCell>{`${h.action}: ${h.fromVersion == null ? '—' : `v${h.fromVersion}`} → ${h.toVersion == null ? '—' : `v${h.toVersion}`}`}</TableCell>
            <TableCell>{h.actor}</TableCell>
            <TableCell>{h.reason || '—'}{h.experimentKey ? ` (experiment ${h.experimentKey})` : ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const SET_ALIAS = `mutation ConsolePromote($input: SetAliasInput!) { setAlias(input: $input) { gateReason version { version } } }`;
const ROLLBACK = `mutation ConsoleRollback($model: String!, $alias: String!, $reason: String) { rollbackAlias(model: $model, alias: $alias, reason: $reason) { version } }`;

/** Moves an alias through the model's promotion gate; a refusal shows the gate's reason. */
export function PromotePanel({ model, versions, defaultVersion }: { model: string; versions: number[]; defaultVersion?: number }) {
  const dp = useDataProvider<MatchlabDataProvider>();
  const client = useQueryClient();
  const [version, setVersion] = useState<number | ''>(defaultVersion ?? versions[0] ?? '');
  const [alias, setAlias] = useState('champion');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const done = (ok: boolean, text: string) => {
    setOutcome({ ok, text });
    void client.invalidateQueries();
  };
  const promote = useMutation({
    mutationFn: () => dp.query<{ setAlias: { gateReason: string; version: { version: number } } }>(SET_ALIAS, { input: { model, alias, version: Number(version), reason: reason || undefined } }),
    onSuccess: (r) => done(true, `${alias} → v${r.setAlias.version.version}. Gate: ${r.setAlias.gateReason}`),
    onError: (e: Error) => done(false, e.message),
  });
  const rollback = useMutation({
    mutationFn: () => dp.query<{ rollbackAlias: { version: number } }>(ROLLBACK, { model, alias, reason: reason || undefined }),
    onSuccess: (r) => done(true, `${alias} rolled back to v${r.rollbackAlias.version}.`),
    onError: (e: Error) => done(false, e.message),
  });
  return (
    <Paper variant="outlined" sx={{ p: 2, mt: 2 }} data-testid="promote-panel">
      <Typography variant="subtitle1" gutterBottom>
        Promote
      </Typography>
      <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap', alignItems: 'center' }}>
        <TextField select size="small" label="Version" value={version} onChange={(ev) => setVersion(Number(ev.target.value))} sx={{ minWidth: 120 }}>
          {versions.map((v) => (
            <MenuItem key={v} value={v}>{`v${v}`}</MenuItem>
          ))}
        </TextField>
        <TextField size="small" label="Alias" value={alias} onChange={(ev) => setAlias(ev.target.value)} />
        <TextField size="small" label="Reason" value={reason} onChange={(ev) => setReason(ev.target.value)} sx={{ minWidth: 260 }} />
        <Button label="Promote" variant="contained" disabled={version === '' || !alias || promote.isPending} onClick={() => promote.mutate()} />
        <Button label="Roll back" disabled={!alias || rollback.isPending} onClick={() => rollback.mutate()} />
      </Stack>
      {outcome && (
        <Alert severity={outcome.ok ? 'success' : 'error'} sx={{ mt: 2 }} data-testid="promote-outcome">
          {outcome.text}
        </Alert>
      )}
    </Paper>
  );
}

function ModelDetails() {
  const m = useRecordContext<Model>();
  const { permissions } = usePermissions();
  if (!m || m.gate === undefined) return <Loading />;
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {m.name}
      </Typography>
      <Typography color="text.secondary" gutterBottom>
        {`${m.strategy} · owner ${m.owner}${m.description ? ` · ${m.description}` : ''}`}
      </Typography>
      <AliasChips aliases={m.aliases} />
      <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
        {`Promotion gate: ${m.gate}`}
      </Typography>
      <Typography variant="h6" sx={{ mt: 3 }}>
        Versions
      </Typography>
      <VersionTable versions={m.versions} />
      {canPromote(permissions) && (
        <PromotePanel model={m.name} versions={m.versions.filter((v) => v.status === 'ready').map((v) => v.version).sort((a, b) => b - a)} />
      )}
      <Typography variant="h6" sx={{ mt: 3 }}>
        Alias history
      </Typography>
      <AliasHistory model={m.name} />
    </Box>
  );
}

export function ModelShow() {
  return (
    <Show>
      <ModelDetails />
    </Show>
  );
}
