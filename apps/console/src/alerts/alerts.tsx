import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, DataTable, DateField, Link, List, Loading, SelectInput, Show, TextInput, useDataProvider, usePermissions, useRecordContext, useRefresh } from 'react-admin';
import type { AlertDelivery, AlertSubscription } from '../api/types.js';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { UPDATE_SUBSCRIPTION } from '../experiments/queries.js';
import { choicesOf } from '../format.js';
import { EmptyState } from '../resources/EmptyState.js';
import { Fact } from '../resources/Fact.js';
import { RunStatusChip } from '../resources/JobProgress.js';

/** Pausing and resuming goes through updateAlertSubscription (permission `alerts`: admins, and downstream apps). */
export const canManageAlerts = (role: unknown) => role === 'admin';

const SUBSCRIPTION_COLOR: Record<string, 'success' | 'warning' | 'default'> = { active: 'success', paused: 'warning', unsubscribed: 'default' };

function SubscriptionStatus({ status }: { status: string }) {
  return <Chip size="small" variant="outlined" color={SUBSCRIPTION_COLOR[status] ?? 'default'} label={status} />;
}

const when = (s: AlertSubscription) =>
  s.frequency === 'instant' ? 'instant' : `${s.frequency} at ${String(s.sendHour).padStart(2, '0')}:00${s.frequency === 'weekly' && s.sendWeekday ? ` (day ${s.sendWeekday})` : ''} ${s.timeZone}`;

const subscriptionFilters = [
  <SelectInput key="channel" source="channel" choices={choicesOf(['email', 'webhook'])} alwaysOn />,
  <SelectInput key="status" source="status" choices={choicesOf(['active', 'paused', 'unsubscribed'])} alwaysOn />,
  <SelectInput key="frequency" source="frequency" choices={choicesOf(['instant', 'daily', 'weekly'])} alwaysOn />,
  <TextInput key="candidateId" source="candidateId" label="Candidate id" />,
];

const SCol = DataTable.Col<AlertSubscription>;

export function AlertSubscriptionList() {
  return (
    <List
      exporter={false}
      filters={subscriptionFilters}
      perPage={25}
      empty={<EmptyState title="No alert subscriptions yet">Downstream apps subscribe candidates with the `subscribeAlerts` mutation (an API key with the app role).</EmptyState>}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <SCol source="id" disableSort />
        <SCol source="candidateId" label="Candidate" disableSort render={(s) => <Link to={`/candidates/${s.candidateId}/show`} onClick={(ev: { stopPropagation(): void }) => ev.stopPropagation()}>{`#${s.candidateId}`}</Link>} />
        <SCol source="channel" disableSort render={(s) => `${s.channel}: ${s.channel === 'email' ? s.email ?? '—' : s.webhookUrl ?? '—'}`} />
        <SCol source="frequency" label="Schedule" disableSort render={when} />
        <SCol source="status" disableSort render={(s) => <SubscriptionStatus status={s.status} />} />
        <SCol source="lastSentAt" label="Last sent" disableSort render={(s) => (s.lastSentAt ? new Date(s.lastSentAt).toLocaleString() : '—')} />
        <SCol source="nextDueAt" label="Next due" disableSort render={(s) => (s.nextDueAt ? new Date(s.nextDueAt).toLocaleString() : '—')} />
      </DataTable>
    </List>
  );
}

function PauseResume({ s }: { s: AlertSubscription }) {
  const dp = useDataProvider<MatchlabDataProvider>();
  const refresh = useRefresh();
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (status: 'active' | 'paused') => dp.query(UPDATE_SUBSCRIPTION, { id: s.id, status }),
    onSuccess: () => {
      setError(null);
      refresh();
    },
    onError: (e: Error) => setError(e.message),
  });
  if (s.status === 'unsubscribed') return null;
  return (
    <Box>
      {s.status === 'active' ? (
        <Button label="Pause" variant="outlined" disabled={change.isPending} onClick={() => change.mutate('paused')} />
      ) : (
        <Button label="Resume" variant="contained" disabled={change.isPending} onClick={() => change.mutate('active')} />
      )}
      {error && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {error}
        </Alert>
      )}
    </Box>
  );
}

function SubscriptionDetails() {
  const s = useRecordContext<AlertSubscription>();
  const { permissions } = usePermissions();
  if (!s) return <Loading />;
  const f = s.filters;
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" sx={{ gap: 2, alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <Stack direction="row" sx={{ gap: 1, alignItems: 'center' }}>
          <Typography variant="h5" component="h1">{`Alert subscription #${s.id}`}</Typography>
          <SubscriptionStatus status={s.status} />
        </Stack>
        {canManageAlerts(permissions) && <PauseResume s={s} />}
      </Stack>
      {s.statusReason && <Typography color="text.secondary">{s.statusReason}</Typography>}
      <Stack direction="row" sx={{ gap: 4, mt: 2, flexWrap: 'wrap' }}>
        <Box>
          <Fact label="Candidate">
            <Link to={`/candidates/${s.candidateId}/show`}>{`#${s.candidateId}`}</Link>
          </Fact>
          <Fact label="Channel">{`${s.channel}: ${s.channel === 'email' ? s.email ?? '—' : s.webhookUrl ?? '—'}`}</Fact>
          <Fact label="Schedule">{when(s)}</Fact>
          <Fact label="Quiet hours">{s.quietStart != null && s.quietEnd != null ? `${s.quietStart}:00–${s.quietEnd}:00` : 'none'}</Fact>
        </Box>
        <Box>
          <Fact label="Filters">
            {[f.keywords.length ? `keywords ${f.keywords.join(', ')}` : null, f.location ? `in ${f.location}` : null, f.remote != null ? (f.remote ? 'remote' : 'on site') : null, f.minSalary ? `≥ ${f.minSalary.toLocaleString('en-US')}` : null].filter(Boolean).join(' · ') || 'none'}
          </Fact>
          <Fact label="Model">{`${s.modelRef ?? 'default (champion or experiment variant)'} · top ${s.topK}`}</Fact>
          <Fact label="Last sent / next due">{`${s.lastSentAt ? new Date(s.lastSentAt).toLocaleString() : 'never'} / ${s.nextDueAt ? new Date(s.nextDueAt).toLocaleString() : '—'}`}</Fact>
          <Fact label="Created">{new Date(s.createdAt).toLocaleString()}</Fact>
        </Box>
      </Stack>
      <Box sx={{ mt: 2 }}>
        <Link to={`/alertDeliveries?filter=${encodeURIComponent(JSON.stringify({ subscriptionId: s.id }))}`}>Deliveries of this subscription</Link>
      </Box>
    </Box>
  );
}

export function AlertSubscriptionShow() {
  return (
    <Show title="Alert subscription">
      <SubscriptionDetails />
    </Show>
  );
}

const deliveryFilters = [
  <SelectInput key="status" source="status" choices={choicesOf(['pending', 'retrying', 'sent', 'empty', 'suppressed', 'failed'])} alwaysOn />,
  <SelectInput key="channel" source="channel" choices={choicesOf(['email', 'webhook'])} alwaysOn />,
  <TextInput key="experimentKey" source="experimentKey" label="Experiment" />,
  <TextInput key="subscriptionId" source="subscriptionId" label="Subscription id" />,
  <TextInput key="candidateId" source="candidateId" label="Candidate id" />,
];

const DCol = DataTable.Col<AlertDelivery>;

export function AlertDeliveryList() {
  return (
    <List
      exporter={false}
      filters={deliveryFilters}
      perPage={25}
      empty={<EmptyState title="No alerts delivered yet">The scheduler sends alerts to active subscriptions when they are due.</EmptyState>}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DCol source="id" disableSort />
        <DCol source="dueAt" label="Due" disableSort>
          <DateField source="dueAt" showTime />
        </DCol>
        <DCol source="channel" disableSort />
        <DCol source="status" disableSort render={(d) => <RunStatusChip status={d.status} />} />
        <DCol source="attempts" disableSort />
        <DCol label="Ranked by" disableSort render={(d) => `${d.modelRef ?? '—'}${d.modelVersion != null ? ` (v${d.modelVersion})` : ''}${d.experimentKey ? ` · ${d.experimentKey}/${d.variant}` : ''}`} />
        <DCol source="lastError" label="Last error" disableSort render={(d) => d.lastError ?? '—'} />
      </DataTable>
    </List>
  );
}

function DeliveryDetails() {
  const d = useRecordContext<AlertDelivery>();
  if (!d) return <Loading />;
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" sx={{ gap: 1, alignItems: 'center' }}>
        <Typography variant="h5" component="h1">{`Alert delivery #${d.id}`}</Typography>
        <RunStatusChip status={d.status} />
      </Stack>
      <Typography variant="body2" color="text.secondary" gutterBottom>
        {`${d.channel} to candidate #${d.candidateId} (subscription #${d.subscriptionId}) · window ${new Date(d.windowStart).toLocaleString()} – ${new Date(d.windowEnd).toLocaleString()} · message ${d.messageId}`}
      </Typography>
      <Typography variant="body2" gutterBottom>
        {`Ranked by ${d.modelRef ?? '—'}${d.modelVersion != null ? ` v${d.modelVersion}` : ''}${d.experimentKey ? ` · experiment ${d.experimentKey}, variant ${d.variant}` : ''}${d.sentAt ? ` · sent ${new Date(d.sentAt).toLocaleString()}` : ''}`}
        {d.rankingId && (
          <>
            {' · ranking '}
            <Link to={`/ranking-debug?id=${encodeURIComponent(d.rankingId)}`}>{d.rankingId}</Link>
          </>
        )}
      </Typography>
      <Typography variant="h6" sx={{ mt: 2 }}>
        Attempt log
      </Typography>
      {d.attemptLog && d.attemptLog.length ? (
        <Table size="small" data-testid="attempt-log">
          <TableHead>
            <TableRow>
              <TableCell>#</TableCell>
              <TableCell>At</TableCell>
              <TableCell align="right">HTTP / SMTP status</TableCell>
              <TableCell align="right">Duration</TableCell>
              <TableCell>Error</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {d.attemptLog.map((a, i) => (
              <TableRow key={i}>
                <TableCell>{i + 1}</TableCell>
                <TableCell>{new Date(a.at).toLocaleString()}</TableCell>
                <TableCell align="right">{a.responseStatus ?? '—'}</TableCell>
                <TableCell align="right">{`${a.durationMs} ms`}</TableCell>
                <TableCell>{a.error ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography color="text.secondary">No attempts yet.</Typography>
      )}
      {d.nextAttemptAt && <Typography variant="body2" sx={{ mt: 1 }}>{`Next attempt ${new Date(d.nextAttemptAt).toLocaleString()}`}</Typography>}
      <Typography variant="h6" sx={{ mt: 2 }}>
        Jobs in the alert
      </Typography>
      {d.items && d.items.length ? (
        <Table size="small" data-testid="alert-items">
          <TableHead>
            <TableRow>
              <TableCell>#</TableCell>
              <TableCell>Job</TableCell>
              <TableCell>Company</TableCell>
              <TableCell>Location</TableCell>
              <TableCell align="right">Score</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {d.items.map((it) => (
              <TableRow key={it.position}>
                <TableCell>{it.position}</TableCell>
                <TableCell>
                  <Link to={`/jobs/${it.jobId}/show`}>{it.title}</Link>
                </TableCell>
                <TableCell>{it.company ?? '—'}</TableCell>
                <TableCell>{it.location ?? '—'}</TableCell>
                <TableCell align="right">{it.score.toFixed(3)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography color="text.secondary">{d.status === 'empty' ? 'No new jobs matched: nothing was sent.' : 'Not composed yet.'}</Typography>
      )}
    </Box>
  );
}

export function AlertDeliveryShow() {
  return (
    <Show title="Alert delivery">
      <DeliveryDetails />
    </Show>
  );
}
