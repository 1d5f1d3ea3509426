import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { DataTable, DateField, List, Loading, Show, useDataProvider, useRecordContext } from 'react-admin';
import type { Webhook, WebhookDelivery } from '../api/types.js';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { EmptyState } from '../resources/EmptyState.js';
import { RunStatusChip } from '../resources/JobProgress.js';

const Col = DataTable.Col<Webhook>;

export function WebhookList() {
  return (
    <List
      exporter={false}
      sort={{ field: 'createdAt', order: 'DESC' }}
      perPage={25}
      empty={<EmptyState title="No webhooks yet">Subscribe with `matchlab webhooks create --url https://… --events version.created,alias.moved`.</EmptyState>}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="url" />
        <Col label="Events" disableSort render={(w) => w.events.join(', ') || 'all'} />
        <Col label="Models" disableSort render={(w) => w.models.join(', ') || 'all'} />
        <Col label="State" disableSort render={(w) => (w.enabled ? 'enabled' : `disabled${w.disabledReason ? `: ${w.disabledReason}` : ''}`)} />
        <Col source="createdAt" label="Created">
          <DateField source="createdAt" />
        </Col>
      </DataTable>
    </List>
  );
}

const DELIVERIES = `query ConsoleDeliveries($id: ID!) {
  webhookDeliveries(webhookId: $id, limit: 100) { id eventType model status attempts responseStatus lastError createdAt nextAttemptAt
    attemptLog { at durationMs responseStatus error } }
}`;

function Deliveries({ webhookId }: { webhookId: string }) {
  const dp = useDataProvider<MatchlabDataProvider>();
  const q = useQuery({ queryKey: ['webhookDeliveries', webhookId], queryFn: () => dp.query<{ webhookDeliveries: WebhookDelivery[] }>(DELIVERIES, { id: webhookId }), refetchInterval: 5000 });
  if (q.error) return <Alert severity="error">{(q.error as Error).message}</Alert>;
  if (!q.data) return <Loading />;
  const rows = q.data.webhookDeliveries;
  if (!rows.length) return <Typography color="text.secondary">No deliveries yet.</Typography>;
  return (
    <Table size="small" data-testid="webhook-deliveries">
      <TableHead>
        <TableRow>
          <TableCell>Created</TableCell>
          <TableCell>Event</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Attempts (status, duration, error)</TableCell>
          <TableCell>Next attempt</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((d) => (
          <TableRow key={d.id}>
            <TableCell>{new Date(d.createdAt).toLocaleString()}</TableCell>
            <TableCell>{`${d.eventType} · ${d.model}`}</TableCell>
            <TableCell>
              <RunStatusChip status={d.status} />
            </TableCell>
            <TableCell>
              {d.attemptLog.map((a, i) => (
                <div key={i}>{`${new Date(a.at).toLocaleTimeString()}: ${a.responseStatus ?? '—'} in ${a.durationMs} ms${a.error ? ` · ${a.error}` : ''}`}</div>
              ))}
            </TableCell>
            <TableCell>{d.nextAttemptAt ? new Date(d.nextAttemptAt).toLocaleString() : '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function WebhookDetails() {
  const w = useRecordContext<Webhook>();
  if (!w) return <Loading />;
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {w.url}
      </Typography>
      <Typography variant="body2" gutterBottom>
        {`${w.description || 'No description'} · events: ${w.events.join(', ') || 'all'} · models: ${w.models.join(', ') || 'all'} · secret ${w.secretHint}… · ${w.enabled ? 'enabled' : `disabled (${w.disabledReason ?? 'by hand'})`}`}
      </Typography>
      <Typography variant="h6" sx={{ mt: 2 }}>
        Delivery log
      </Typography>
      <Deliveries webhookId={w.id} />
    </Box>
  );
}

export function WebhookShow() {
  return (
    <Show>
      <WebhookDetails />
    </Show>
  );
}
