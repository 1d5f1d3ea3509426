import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { DataTable, DateField, List, Loading, SearchInput, Show, useRecordContext } from 'react-admin';
import type { FeatureJob, FeatureService, FeatureView } from '../api/types.js';
import { formatMetric } from '../evaluations/evaluation-data.js';
import { EmptyState } from '../resources/EmptyState.js';
import { JobProgress, pollWhileLive } from '../resources/JobProgress.js';
import { currentVersion, driftBadge, featureRows, formatTtl, storeSummary } from './feature-data.js';

const search = [<SearchInput key="q" source="q" placeholder="Search" alwaysOn />];

export function FeatureViewList() {
  const Col = DataTable.Col<FeatureView>;
  return (
    <List exporter={false} sort={{ field: 'name', order: 'ASC' }} filters={search} perPage={25}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="name" />
        <Col source="entity" />
        <Col label="Version" disableSort render={(v) => `v${currentVersion(v.versions)?.version ?? '—'}`} />
        <Col label="Features" disableSort render={(v) => currentVersion(v.versions)?.features.length ?? 0} />
        <Col label="TTL" disableSort render={(v) => { const c = currentVersion(v.versions); return c ? formatTtl(c.ttlSeconds) : '—'; }} />
        <Col label="Offline" disableSort render={(v) => { const c = currentVersion(v.versions); return c ? storeSummary(c).offline : '—'; }} />
        <Col label="Online" disableSort render={(v) => { const c = currentVersion(v.versions); return c ? storeSummary(c).online : '—'; }} />
      </DataTable>
    </List>
  );
}

function FeatureViewDetails() {
  const v = useRecordContext<FeatureView>();
  if (!v) return <Loading />;
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {v.name}
      </Typography>
      <Typography color="text.secondary" gutterBottom>{`${v.entity} · owner ${v.owner} · ${v.description}`}</Typography>
      {[...v.versions].sort((a, b) => b.version - a.version).map((ver) => (
        <Paper key={ver.id} variant="outlined" sx={{ p: 2, mt: 2 }} data-testid={`view-version-${ver.version}`}>
          <Typography variant="subtitle1">
            {`v${ver.version}${ver.current ? ' (current)' : ''} · TTL ${formatTtl(ver.ttlSeconds)} · event time ${ver.eventTimeColumn} · ${storeSummary(ver).offline} · online: ${storeSummary(ver).online}`}
          </Typography>
          <Typography variant="caption" color="text.secondary">{`fingerprint ${ver.fingerprint.slice(0, 16)}… · ${new Date(ver.createdAt).toLocaleString()}`}</Typography>
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Feature</TableCell>
                <TableCell>Type</TableCell>
                <TableCell>Missing values</TableCell>
                <TableCell>Description</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {ver.features.map((f) => (
                <TableRow key={f.name}>
                  <TableCell>{f.name}</TableCell>
                  <TableCell>{f.type}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace', fontSize: 12 }}>{f.missing}</TableCell>
                  <TableCell>{f.description ?? '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      ))}
    </Box>
  );
}

export function FeatureViewShow() {
  return (
    <Show>
      <FeatureViewDetails />
    </Show>
  );
}

function DriftChip({ badge }: { badge: ReturnType<typeof driftBadge> }) {
  return <Chip size="small" variant="outlined" color={badge.color} label={badge.label} data-testid="drift-badge" />;
}

export function FeatureServiceList() {
  const Col = DataTable.Col<FeatureService>;
  return (
    <List exporter={false} sort={{ field: 'name', order: 'ASC' }} filters={search} perPage={25}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="name" />
        <Col source="owner" />
        <Col label="Version" disableSort render={(s) => `v${currentVersion(s.versions)?.version ?? '—'}`} />
        <Col label="Features" disableSort render={(s) => currentVersion(s.versions)?.features.length ?? 0} />
        <Col label="Drift" disableSort render={(s) => <DriftChip badge={driftBadge(currentVersion(s.versions))} />} />
      </DataTable>
    </List>
  );
}

function FeatureServiceDetails() {
  const s = useRecordContext<FeatureService>();
  if (!s) return <Loading />;
  const v = currentVersion(s.versions);
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {s.name}
      </Typography>
      <Typography color="text.secondary" gutterBottom>{`owner ${s.owner} · ${s.description}`}</Typography>
      {!v ? (
        <Typography color="text.secondary">No version yet.</Typography>
      ) : (
        <>
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 1 }}>
            <Typography variant="subtitle1">{`v${v.version} · ${v.views.map((m) => `${m.view}/${m.version}`).join(', ')}`}</Typography>
            <DriftChip badge={driftBadge(v)} />
          </Box>
          {v.statistics.length === 0 && (
            <Typography color="text.secondary" gutterBottom>
              No training statistics yet: export a training set (`matchlab features export`) to record them.
            </Typography>
          )}
          <Table size="small" data-testid="service-features">
            <TableHead>
              <TableRow>
                <TableCell>Feature</TableCell>
                <TableCell align="right">Count</TableCell>
                <TableCell align="right">Missing</TableCell>
                <TableCell align="right">Mean ± std</TableCell>
                <TableCell align="right">Min … max</TableCell>
                <TableCell align="right">PSI</TableCell>
                <TableCell align="right">KS (p)</TableCell>
                <TableCell>Drift</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {featureRows(v).map(({ feature, statistics: st, drift: d }) => (
                <TableRow key={feature}>
                  <TableCell>{feature}</TableCell>
                  <TableCell align="right">{st ? st.count.toLocaleString('en-US') : '—'}</TableCell>
                  <TableCell align="right">{st ? `${(st.missingRate * 100).toFixed(1)}%` : '—'}</TableCell>
                  <TableCell align="right">{st?.mean != null ? `${formatMetric(st.mean)} ± ${formatMetric(st.std)}` : st ? st.kind : '—'}</TableCell>
                  <TableCell align="right">{st?.min != null ? `${formatMetric(st.min)} … ${formatMetric(st.max)}` : '—'}</TableCell>
                  <TableCell align="right">{formatMetric(d?.psi)}</TableCell>
                  <TableCell align="right">{d?.ks != null ? `${formatMetric(d.ks)} (${formatMetric(d.ksPValue)})` : '—'}</TableCell>
                  <TableCell>{d ? (d.drifted ? <Chip size="small" color="error" label="drifted" /> : 'ok') : '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </Box>
  );
}

export function FeatureServiceShow() {
  return (
    <Show>
      <FeatureServiceDetails />
    </Show>
  );
}

export function FeatureJobList() {
  const Col = DataTable.Col<FeatureJob>;
  return (
    <List
      exporter={false}
      sort={{ field: 'createdAt', order: 'DESC' }}
      perPage={25}
      queryOptions={{ refetchInterval: (q: { state: { data?: { data?: FeatureJob[] } } }) => pollWhileLive(q.state.data?.data) }}
      empty={<EmptyState title="No feature jobs yet">Compute with `matchlab features compute`, then `matchlab features materialize`.</EmptyState>}
    >
      <DataTable bulkActionButtons={false} rowClick={false}>
        <Col source="createdAt" label="Started">
          <DateField source="createdAt" showTime />
        </Col>
        <Col source="kind" />
        <Col source="createdBy" label="By" />
        <Col label="Progress" disableSort render={(j) => <JobProgress status={j.status} percent={j.progress.percent} caption={`${j.progress.phase}${j.progress.total ? ` · ${j.progress.done ?? 0}/${j.progress.total}` : ''}`} />} />
        <Col label="Error" disableSort render={(j) => (j.error ? `${j.errorCode ?? 'ERROR'}: ${j.error}` : '')} />
      </DataTable>
    </List>
  );
}
