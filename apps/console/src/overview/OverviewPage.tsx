import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { Link, Loading, Title, useDataProvider } from 'react-admin';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AlertOverview, Experiment, Model } from '../api/types.js';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { formatPercent } from '../experiments/experiment-data.js';
import { ExperimentStatusChip } from '../experiments/experiments.js';
import { OVERVIEW } from '../experiments/queries.js';
import { activeExperiments, championsByModel, overviewTotals, rateSeriesByVariant, sentPerDay } from './overview-data.js';

const COLORS = ['#616161', '#1976d2', '#d32f2f', '#2e7d32', '#ed6c02', '#6a1b9a', '#00838f'];

function Stat({ title, value, hint }: { title: string; value: string; hint?: string }) {
  return (
    <Card variant="outlined" sx={{ flex: '1 1 180px' }}>
      <CardContent>
        <Typography variant="subtitle2" color="text.secondary">
          {title}
        </Typography>
        <Typography variant="h4" component="p" data-testid={`overview-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`}>
          {value}
        </Typography>
        {hint && (
          <Typography variant="caption" color="text.secondary">
            {hint}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

function Panel({ title, children, flex, testId }: { title: string; children: ReactNode; flex?: string; testId?: string }) {
  return (
    <Card variant="outlined" sx={{ flex: flex ?? '1 1 100%', minWidth: 0 }} data-testid={testId}>
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

function RateChart({ overview, kind }: { overview: AlertOverview; kind: 'clicked' | 'applied' }) {
  const { series, rows } = rateSeriesByVariant(overview.days, kind);
  if (!rows.length) return <Typography color="text.secondary">No alerts sent in this period.</Typography>;
  return (
    <Box sx={{ height: 240 }} data-testid={`rate-chart-${kind}`}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} />
          <YAxis unit="%" width={52} />
          <Tooltip formatter={(v) => `${Number(v).toFixed(2)}%`} />
          <Legend />
          {series.map((s, i) => (
            <Line key={s} dataKey={s} stroke={COLORS[i % COLORS.length]} dot isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </Box>
  );
}

/** For product managers: alerts sent and their click/apply rates by variant, experiments in play, champions. */
export default function OverviewPage() {
  const dp = useDataProvider<MatchlabDataProvider>();
  const [days, setDays] = useState(30);
  const q = useQuery({
    queryKey: ['overview', days],
    queryFn: () => dp.query<{ alertOverview: AlertOverview; experiments: Experiment[]; models: Array<Pick<Model, 'name' | 'strategy' | 'aliases'>> }>(OVERVIEW, { days }),
  });
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="Overview" />
      <Stack direction="row" sx={{ gap: 2, alignItems: 'center', mb: 2 }}>
        <Typography variant="h5" component="h1">
          Product overview
        </Typography>
        <TextField select fullWidth={false} size="small" label="Period" value={days} onChange={(ev) => setDays(Number(ev.target.value))} sx={{ minWidth: 140 }}>
          {[7, 14, 30, 90].map((d) => (
            <MenuItem key={d} value={d}>{`last ${d} days`}</MenuItem>
          ))}
        </TextField>
      </Stack>
      {q.error ? (
        <Alert severity="error">{(q.error as Error).message}</Alert>
      ) : !q.data ? (
        <Loading />
      ) : (
        <Overview data={q.data} />
      )}
    </Box>
  );
}

function Overview({ data }: { data: { alertOverview: AlertOverview; experiments: Experiment[]; models: Array<Pick<Model, 'name' | 'strategy' | 'aliases'>> } }) {
  const o = data.alertOverview;
  const totals = overviewTotals(o.days);
  const sent = sentPerDay(o.days);
  const active = activeExperiments(data.experiments);
  const champions = championsByModel(data.models);
  return (
    <Stack sx={{ gap: 2 }}>
      <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap' }}>
        <Stat title="Alerts sent" value={totals.sent.toLocaleString('en-US')} hint={`${o.failed.toLocaleString('en-US')} failed for good`} />
        <Stat title="Click rate" value={formatPercent(totals.clickRate, 1)} hint="alerts with ≥ 1 click" />
        <Stat title="Apply rate" value={formatPercent(totals.applyRate, 1)} hint="alerts with ≥ 1 apply" />
        <Stat title="Open rate" value="n/a" hint={o.opensTracked ? '' : 'opens are not tracked (no pixel)'} />
        <Stat title="Subscriptions" value={o.activeSubscriptions.toLocaleString('en-US')} hint={`active · ${o.pausedSubscriptions.toLocaleString('en-US')} paused`} />
      </Stack>
      <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap' }}>
        <Panel title="Alerts sent per day" flex="1 1 300px">
          {sent.length ? (
            <Box sx={{ height: 240 }} data-testid="sent-chart">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={sent} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} />
                  <YAxis allowDecimals={false} width={48} />
                  <Tooltip />
                  <Bar dataKey="sent" fill="#1976d2" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </Box>
          ) : (
            <Typography color="text.secondary">No alerts sent in this period.</Typography>
          )}
        </Panel>
        <Panel title="Click rate by variant" flex="1 1 300px">
          <RateChart overview={o} kind="clicked" />
        </Panel>
        <Panel title="Apply rate by variant" flex="1 1 300px">
          <RateChart overview={o} kind="applied" />
        </Panel>
      </Stack>
      <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap' }}>
        <Panel title="Experiments in play" flex="2 1 520px" testId="active-experiments">
          {active.length ? (
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Experiment</TableCell>
                  <TableCell>Status</TableCell>
                  <TableCell>Primary metric</TableCell>
                  <TableCell>Variants</TableCell>
                  <TableCell>Started</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {active.map((e) => (
                  <TableRow key={e.key}>
                    <TableCell>
                      <Link to={`/experiments/${encodeURIComponent(e.key)}/show`}>{e.key}</Link>
                    </TableCell>
                    <TableCell>
                      <ExperimentStatusChip status={e.status} />
                    </TableCell>
                    <TableCell>{e.primaryMetric}</TableCell>
                    <TableCell>{e.variants.map((v) => v.key).join(' vs ')}</TableCell>
                    <TableCell>{e.startedAt ? new Date(e.startedAt).toLocaleDateString() : '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <Typography color="text.secondary">No experiment is running, paused or awaiting a decision.</Typography>
          )}
        </Panel>
        <Panel title="Champion per model" flex="1 1 320px" testId="champions">
          {champions.length ? (
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Model</TableCell>
                  <TableCell>Champion</TableCell>
                  <TableCell>Since</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {champions.map((c) => (
                  <TableRow key={c.model}>
                    <TableCell>
                      <Link to={`/models/${encodeURIComponent(c.model)}/show`}>{c.model}</Link>
                    </TableCell>
                    <TableCell>{c.version != null ? `v${c.version} (${c.strategy})` : 'none'}</TableCell>
                    <TableCell>{c.since ? new Date(c.since).toLocaleDateString() : '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <Typography color="text.secondary">No models in the registry yet.</Typography>
          )}
        </Panel>
      </Stack>
    </Stack>
  );
}
