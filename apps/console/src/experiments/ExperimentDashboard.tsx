import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
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
import { Button, Loading, useDataProvider, usePermissions, useRecordContext, useRefresh } from 'react-admin';
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DECISIONS, type Experiment, type ExperimentAnalysis } from '../api/types.js';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { canPromote } from '../models/models.js';
import {
  canConclude,
  canManageExperiments,
  comparisonRows,
  cumulativeLiftSeries,
  exposureRows,
  type DayExposure,
  type ExposureMeasure,
  decisionProblem,
  formatInterval,
  formatLift,
  formatMean,
  formatP,
  formatPercent,
  guardrailRows,
  lifecycleActions,
  liftAxis,
  metricVerdict,
  promotableModelRef,
  seriesVariants,
} from './experiment-data.js';
import { ExperimentStatusChip } from './experiments.js';
import { ANALYSIS, CONCLUDE, EXPOSURES, LIFECYCLE, PROMOTE } from './queries.js';

const ARM_COLORS = ['#1976d2', '#d32f2f', '#2e7d32', '#ed6c02', '#6a1b9a'];
const LABEL: Record<string, string> = { start: 'Start', pause: 'Pause', stop: 'Stop' };

function Header({ e }: { e: Experiment }) {
  return (
    <Box>
      <Stack direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1">
          {e.key}
        </Typography>
        <ExperimentStatusChip status={e.status} />
        <Chip size="small" label={e.type === 'interleaving' ? 'interleaving' : 'A/B'} />
        {e.phase > 0 && <Chip size="small" variant="outlined" label={`phase ${e.phase}`} />}
      </Stack>
      <Typography sx={{ mt: 1 }}>{e.hypothesis || 'No hypothesis written.'}</Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
        {[
          `owner ${e.owner}`,
          `primary ${e.primaryMetric}`,
          e.secondaryMetrics.length ? `secondary ${e.secondaryMetrics.join(', ')}` : null,
          e.guardrailMetrics.length ? `guardrails ${e.guardrailMetrics.join(', ')}` : null,
          `coverage ${formatPercent(e.coverage, 0)}`,
          e.startedAt ? `started ${new Date(e.startedAt).toLocaleString()}` : null,
          e.plannedSampleSize ? `planned ${e.plannedSampleSize.toLocaleString('en-US')} units` : null,
          e.plannedDays ? `${e.plannedDays} days` : null,
        ]
          .filter(Boolean)
          .join(' · ')}
      </Typography>
      <Stack direction="row" sx={{ gap: 0.5, mt: 1, flexWrap: 'wrap' }} data-testid="experiment-variants">
        {e.variants.map((v) => (
          <Chip key={v.key} size="small" variant="outlined" label={`${v.key}: ${v.modelRef ?? v.strategy ?? '—'} · ${formatPercent(v.weight, 0)}${v.killed ? ' · killed' : ''}`} />
        ))}
      </Stack>
    </Box>
  );
}

function Lifecycle({ e }: { e: Experiment }) {
  const dp = useDataProvider<MatchlabDataProvider>();
  const refresh = useRefresh();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (action: 'start' | 'pause' | 'stop') => dp.query(LIFECYCLE[action], { key: e.key }),
    onSuccess: () => {
      setError(null);
      refresh();
      void client.invalidateQueries({ queryKey: ['experimentAnalysis', e.key] });
    },
    onError: (err: Error) => setError(err.message),
  });
  const actions = lifecycleActions(e.status);
  if (!actions.length) return null;
  return (
    <Box data-testid="lifecycle">
      <Stack direction="row" sx={{ gap: 1 }}>
        {actions.map((a) => (
          <Button key={a} label={a === 'start' && e.status === 'paused' ? 'Resume' : LABEL[a]!} variant={a === 'start' ? 'contained' : 'outlined'} disabled={run.isPending} onClick={() => run.mutate(a)} />
        ))}
      </Stack>
      {error && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {error}
        </Alert>
      )}
    </Box>
  );
}

function MetricTable({ a }: { a: ExperimentAnalysis }) {
  const rows = comparisonRows(a.comparisons);
  if (!rows.length) return <Typography color="text.secondary">No comparisons yet: no treatment arm has exposed units.</Typography>;
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" data-testid="metric-table" sx={{ '& td, & th': { px: 1 } }}>
        <TableHead>
          <TableRow>
            <TableCell>Metric</TableCell>
            <TableCell>Variant</TableCell>
            <TableCell align="right">{a.control}</TableCell>
            <TableCell align="right">Variant value</TableCell>
            <TableCell align="right">Lift</TableCell>
            <TableCell align="right">95% CI</TableCell>
            <TableCell align="right">Always-valid CI</TableCell>
            <TableCell align="right">p (Holm)</TableCell>
            <TableCell align="right">Chance to win</TableCell>
            <TableCell>Verdict</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((c) => (
            <TableRow key={`${c.metric}-${c.variant}`} sx={c.role === 'primary' ? { '& td': { fontWeight: 600 } } : undefined}>
              <TableCell>
                {c.metric}
                <Typography variant="caption" color="text.secondary" component="span">{` ${c.role}${c.cuped ? ' · CUPED' : ''}`}</Typography>
              </TableCell>
              <TableCell>{c.variant}</TableCell>
              <TableCell align="right">{formatMean(c.metric, c.controlMean)}</TableCell>
              <TableCell align="right">{formatMean(c.metric, c.treatmentMean)}</TableCell>
              <TableCell align="right">{formatLift(c.relative?.estimate)}</TableCell>
              <TableCell align="right">{formatInterval(c.relative?.ciLow, c.relative?.ciHigh)}</TableCell>
              <TableCell align="right">{formatInterval(c.sequentialRelative?.ciLow, c.sequentialRelative?.ciHigh)}</TableCell>
              <TableCell align="right">{`${formatP(c.welchP)}${c.adjustedP != null ? ` (${formatP(c.adjustedP)})` : ''}`}</TableCell>
              <TableCell align="right">{formatPercent(c.chanceToBeatControl, 1)}</TableCell>
              <TableCell>{c.note && !c.relative ? c.note : metricVerdict(c)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function VariantCountsTable({ a }: { a: ExperimentAnalysis }) {
  if (!a.variants.length) return null;
  return (
    <Table size="small" data-testid="variant-counts">
      <TableHead>
        <TableRow>
          <TableCell>Variant</TableCell>
          <TableCell align="right">Units</TableCell>
          <TableCell align="right">Lists</TableCell>
          <TableCell align="right">Items shown</TableCell>
          <TableCell align="right">Clicks</TableCell>
          <TableCell align="right">Applies</TableCell>
          <TableCell align="right">Dismisses</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {a.variants.map((v) => (
          <TableRow key={v.variant}>
            <TableCell>{v.variant}</TableCell>
            <TableCell align="right">{v.units.toLocaleString('en-US')}</TableCell>
            <TableCell align="right">{v.rankings.toLocaleString('en-US')}</TableCell>
            <TableCell align="right">{v.items.toLocaleString('en-US')}</TableCell>
            <TableCell align="right">{v.clicks.toLocaleString('en-US')}</TableCell>
            <TableCell align="right">{v.applies.toLocaleString('en-US')}</TableCell>
            <TableCell align="right">{v.dismisses.toLocaleString('en-US')}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const GUARD_COLOR = { ok: 'success', violated: 'error', inconclusive: 'default' } as const;

function Guardrails({ a }: { a: ExperimentAnalysis }) {
  const rows = guardrailRows(a.comparisons);
  if (!rows.length) return <Typography color="text.secondary">No guardrail metrics.</Typography>;
  return (
    <Stack sx={{ gap: 1 }} data-testid="guardrails">
      {rows.map((g) => (
        <Stack key={`${g.metric}-${g.variant}`} direction="row" sx={{ gap: 1, alignItems: 'center' }}>
          <Chip size="small" color={GUARD_COLOR[g.state]} label={g.state} />
          <Typography variant="body2">{`${g.metric} · ${g.variant}: ${g.detail}`}</Typography>
        </Stack>
      ))}
    </Stack>
  );
}

function LiftChart({ a }: { a: ExperimentAnalysis }) {
  const variants = seriesVariants(a.timeSeries);
  const [picked, setPicked] = useState<string | null>(null);
  const variant = picked && variants.includes(picked) ? picked : variants[0];
  if (!variant) return <Typography color="text.secondary">No daily figures yet.</Typography>;
  const data = cumulativeLiftSeries(a.timeSeries, variant);
  const axis = liftAxis(data);
  return (
    <Box>
      {variants.length > 1 && (
        <TextField select fullWidth={false} size="small" label="Variant" value={variant} onChange={(ev) => setPicked(ev.target.value)} sx={{ mb: 1, minWidth: 160 }}>
          {variants.map((v) => (
            <MenuItem key={v} value={v}>
              {v}
            </MenuItem>
          ))}
        </TextField>
      )}
      <Box sx={{ height: 260 }} data-testid="lift-chart">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} />
            <YAxis domain={axis.domain} ticks={axis.ticks} allowDataOverflow tickFormatter={(v: number) => `${v}%`} width={60} />
            <Tooltip formatter={(v) => (Array.isArray(v) ? `${Number(v[0]).toFixed(2)}% … ${Number(v[1]).toFixed(2)}%` : `${Number(v).toFixed(2)}%`)} />
            <Legend />
            <ReferenceLine y={0} stroke="#666" />
            <Area dataKey="band" name="always-valid 95% CI" stroke="none" fill="#1976d2" fillOpacity={0.12} isAnimationActive={false} connectNulls />
            <Area dataKey="ci" name="95% CI" stroke="none" fill="#1976d2" fillOpacity={0.25} isAnimationActive={false} connectNulls />
            <Line dataKey="lift" name={`${variant} lift vs ${a.control}`} stroke="#1976d2" dot isAnimationActive={false} connectNulls />
          </ComposedChart>
        </ResponsiveContainer>
      </Box>
    </Box>
  );
}

const MEASURES: Array<{ id: ExposureMeasure; label: string }> = [
  { id: 'units', label: 'units' },
  { id: 'newUnits', label: 'new units' },
  { id: 'rankings', label: 'lists' },
  { id: 'items', label: 'items' },
];

function ExposureChart({ e, refresh }: { e: Experiment; refresh: number }) {
  const dp = useDataProvider<MatchlabDataProvider>();
  const [measure, setMeasure] = useState<ExposureMeasure>('units');
  const q = useQuery({ queryKey: ['experimentExposures', e.key, e.phase, refresh], queryFn: () => dp.query<{ experimentExposures: DayExposure[] }>(EXPOSURES, { key: e.key }), retry: false });
  if (q.error) return <Alert severity="error">{(q.error as Error).message}</Alert>;
  if (!q.data) return <Loading />;
  const { arms, rows } = exposureRows(q.data.experimentExposures, e.variants.map((v) => v.key), measure);
  if (!rows.length) return <Typography color="text.secondary">No exposures logged yet.</Typography>;
  return (
    <Box>
      <TextField select fullWidth={false} size="small" label="Count" value={measure} onChange={(ev) => setMeasure(ev.target.value as ExposureMeasure)} sx={{ mb: 1, minWidth: 140 }}>
        {MEASURES.map((m) => (
          <MenuItem key={m.id} value={m.id}>
            {m.label}
          </MenuItem>
        ))}
      </TextField>
      <Box sx={{ height: 232 }} data-testid="exposure-chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} />
            <YAxis allowDecimals={false} width={48} />
            <Tooltip />
            <Legend />
            {arms.map((arm, i) => (
              <Bar key={arm} dataKey={arm} fill={ARM_COLORS[i % ARM_COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </Box>
    </Box>
  );
}

function Interleaving({ a }: { a: ExperimentAnalysis }) {
  const r = a.interleaving!;
  return (
    <Box data-testid="interleaving">
      <Typography variant="body2" color="text.secondary" gutterBottom>
        {`${r.units.toLocaleString('en-US')} units · ${r.rankings.toLocaleString('en-US')} interleaved lists · ${r.creditedLists.toLocaleString('en-US')} with a credited click or apply`}
      </Typography>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>Variant</TableCell>
            <TableCell align="right">Credit</TableCell>
            <TableCell align="right">Clicks / applies</TableCell>
            <TableCell align="right">{`Preference vs ${r.control}`}</TableCell>
            <TableCell align="right">95% CI</TableCell>
            <TableCell align="right">p</TableCell>
            <TableCell align="right">Wins / losses / ties</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {r.variants.map((v) => (
            <TableRow key={v.variant}>
              <TableCell>{v.variant}</TableCell>
              <TableCell align="right">{v.credit}</TableCell>
              <TableCell align="right">{`${v.creditedClicks} / ${v.creditedApplies}`}</TableCell>
              <TableCell align="right">{v.vsControl ? formatLift(v.vsControl.preference) : 'control'}</TableCell>
              <TableCell align="right">{v.vsControl ? formatInterval(v.vsControl.ciLow, v.vsControl.ciHigh) : '—'}</TableCell>
              <TableCell align="right">{v.vsControl ? formatP(v.vsControl.p) : '—'}</TableCell>
              <TableCell align="right">{v.vsControl ? `${v.vsControl.wins} / ${v.vsControl.losses} / ${v.vsControl.ties}` : '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" color="text.secondary">
        Preference = (units preferring the variant − units preferring control) ÷ informative units; &gt; 0 favours the variant.
      </Typography>
    </Box>
  );
}

type Outcome = { ok: boolean; text: string } | null;

function DecisionForm({ e, onOutcome }: { e: Experiment; onOutcome: (o: Outcome) => void }) {
  const dp = useDataProvider<MatchlabDataProvider>();
  const refresh = useRefresh();
  const { permissions } = usePermissions();
  const [decision, setDecision] = useState('');
  const [variant, setVariant] = useState('');
  const [note, setNote] = useState('');
  const [promote, setPromote] = useState(true);
  const problem = decisionProblem({ decision, variant, note }, e);
  const shipsModel = decision === 'ship' && !!e.variants.find((v) => v.key === variant)?.modelRef;
  const submit = useMutation({
    mutationFn: async () => {
      await dp.query(CONCLUDE, { key: e.key, decision, variant: decision === 'ship' ? variant : null, note });
      if (!(shipsModel && promote && canPromote(permissions))) return `Decision recorded: ${decision}${decision === 'ship' ? ` ${variant}` : ''}.`;
      try {
        const r = await dp.query<{ promoteExperiment: { model: string; version: number; gateReason: string } }>(PROMOTE, { key: e.key });
        return `Decision recorded: ship ${variant}. champion of ${r.promoteExperiment.model} → v${r.promoteExperiment.version}. Gate: ${r.promoteExperiment.gateReason}`;
      } catch (err) {
        throw new Error(`Decision recorded, but the promotion was refused: ${(err as Error).message}`);
      }
    },
    onSuccess: (text) => {
      onOutcome({ ok: true, text });
      refresh();
    },
    onError: (err: Error) => {
      onOutcome({ ok: false, text: err.message });
      refresh();
    },
  });
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="decision-form">
      <Typography variant="subtitle1" gutterBottom>
        Decision
      </Typography>
      <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap', alignItems: 'center' }}>
        <TextField select fullWidth={false} size="small" label="Decision" value={decision} onChange={(ev) => setDecision(ev.target.value)} sx={{ minWidth: 160 }}>
          {DECISIONS.map((d) => (
            <MenuItem key={d} value={d}>
              {d === 'rollback' ? 'roll back' : d}
            </MenuItem>
          ))}
        </TextField>
        {decision === 'ship' && (
          <TextField select fullWidth={false} size="small" label="Variant to ship" value={variant} onChange={(ev) => setVariant(ev.target.value)} sx={{ minWidth: 180 }}>
            {e.variants.map((v) => (
              <MenuItem key={v.key} value={v.key}>
                {`${v.key}${v.modelRef ? ` (${v.modelRef})` : ''}`}
              </MenuItem>
            ))}
          </TextField>
        )}
        <TextField fullWidth={false} size="small" label="Reason" value={note} onChange={(ev) => setNote(ev.target.value)} sx={{ minWidth: 280, flex: 1 }} />
        {shipsModel && canPromote(permissions) && (
          <FormControlLabel control={<Checkbox checked={promote} onChange={(ev) => setPromote(ev.target.checked)} />} label="Promote its model to champion" />
        )}
        <Button label="Record decision" variant="contained" disabled={problem !== null || submit.isPending} onClick={() => submit.mutate()} />
      </Stack>
      {problem && decision && (
        <Typography variant="caption" color="text.secondary">
          {problem}
        </Typography>
      )}
    </Paper>
  );
}

function Concluded({ e, onOutcome: setOutcome }: { e: Experiment; onOutcome: (o: Outcome) => void }) {
  const dp = useDataProvider<MatchlabDataProvider>();
  const refresh = useRefresh();
  const { permissions } = usePermissions();
  const promote = useMutation({
    mutationFn: () => dp.query<{ promoteExperiment: { model: string; version: number; gateReason: string } }>(PROMOTE, { key: e.key }),
    onSuccess: (r) => {
      setOutcome({ ok: true, text: `champion of ${r.promoteExperiment.model} → v${r.promoteExperiment.version}. Gate: ${r.promoteExperiment.gateReason}` });
      refresh();
    },
    onError: (err: Error) => setOutcome({ ok: false, text: err.message }),
  });
  const ref = promotableModelRef(e);
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="decision-summary">
      <Typography variant="subtitle1">{`Concluded: ${e.decision === 'rollback' ? 'roll back' : e.decision}${e.decisionVariant ? ` ${e.decisionVariant}` : ''}`}</Typography>
      <Typography variant="body2" color="text.secondary">
        {`${e.decisionNote || 'No reason given.'}${e.concludedAt ? ` · ${new Date(e.concludedAt).toLocaleString()}` : ''}${e.promotedVersion ? ` · promoted ${e.promotedVersion} to champion` : ''}`}
      </Typography>
      {ref && !e.promotedVersion && canPromote(permissions) && <Button sx={{ mt: 1 }} label={`Promote ${ref} to champion`} variant="contained" disabled={promote.isPending} onClick={() => promote.mutate()} />}
    </Paper>
  );
}

function Section({ title, children, flex }: { title: string; children: React.ReactNode; flex?: string }) {
  return (
    <Card variant="outlined" sx={{ flex: flex ?? '1 1 100%', minWidth: 0 }}>
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

function Results({ e }: { e: Experiment }) {
  const dp = useDataProvider<MatchlabDataProvider>();
  const [refresh, setRefresh] = useState(0);
  const q = useQuery({
    queryKey: ['experimentAnalysis', e.key, e.phase, refresh],
    queryFn: () => dp.query<{ experimentAnalysis: ExperimentAnalysis }>(ANALYSIS, { key: e.key, refresh: refresh > 0 }),
    retry: false,
  });
  if (e.phase === 0) return <Alert severity="info">Not started yet: results appear once the experiment runs and logs exposures.</Alert>;
  if (q.error) return <Alert severity="error">{(q.error as Error).message}</Alert>;
  if (!q.data) return <Loading loadingPrimary="Computing the analysis" loadingSecondary="" />;
  const a = q.data.experimentAnalysis;
  const interleaving = a.interleaving != null;
  return (
    <Stack sx={{ gap: 2 }}>
      <Stack direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" color="text.secondary" data-testid="analysis-meta">
          {`Computed ${new Date(a.computedAt).toLocaleString()} in ${a.durationMs} ms · phase ${a.phase} · control ${a.control}${a.cupedAvailable ? ' · CUPED on pre-period clicks' : ''}`}
        </Typography>
        <Button label="Recompute now" onClick={() => setRefresh((n) => n + 1)} />
      </Stack>
      {a.srm?.flagged ? (
        <Alert severity="error" data-testid="srm-banner">
          {`Sample ratio mismatch: units per variant ${a.unitsPerVariant.map((u) => `${u.variant} ${u.units}`).join(', ')} do not match the configured split (χ² ${a.srm.chi2.toFixed(1)}, p ${formatP(a.srm.p)}). Do not trust the lifts until the assignment or logging bug is found.`}
        </Alert>
      ) : a.srm ? (
        <Typography variant="caption" color="text.secondary" data-testid="srm-ok">
          {`Sample ratio check passed (p ${formatP(a.srm.p)}): ${a.unitsPerVariant.map((u) => `${u.variant} ${u.units.toLocaleString('en-US')} units (${formatPercent(u.weight, 0)})`).join(', ')}.`}
        </Typography>
      ) : null}
      {interleaving ? (
        <Section title="Preference (interleaving)">
          <Interleaving a={a} />
        </Section>
      ) : (
        <>
          <Section title="Metrics by variant">
            <MetricTable a={a} />
            <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
              Lift relative to control. 95% CI is fixed-horizon; the always-valid CI stays valid however often you look. p is Welch’s, Holm-adjusted in brackets; chance to win is Bayesian.
            </Typography>
          </Section>
          <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap' }}>
            <Section title={`Cumulative lift of ${a.primaryMetric}`} flex="1 1 520px">
              <LiftChart a={a} />
            </Section>
            <Section title="Exposures per day" flex="1 1 380px">
              <ExposureChart e={e} refresh={refresh} />
            </Section>
          </Stack>
          <Section title="Guardrails">
            <Guardrails a={a} />
          </Section>
        </>
      )}
      <Section title="Counts">
        <VariantCountsTable a={a} />
      </Section>
    </Stack>
  );
}

/** The experiment dashboard: header, lifecycle, results (table, SRM, guardrails, charts) and the decision. */
export default function ExperimentDashboard() {
  const e = useRecordContext<Experiment>();
  const { permissions } = usePermissions();
  const [outcome, setOutcome] = useState<Outcome>(null);
  if (!e) return <Loading />;
  const manage = canManageExperiments(permissions);
  return (
    <Stack sx={{ p: 2, gap: 2 }}>
      <Stack direction="row" sx={{ gap: 2, justifyContent: 'space-between', alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <Header e={e} />
        {manage && <Lifecycle e={e} />}
      </Stack>
      {e.status === 'concluded' ? <Concluded e={e} onOutcome={setOutcome} /> : manage && canConclude(e.status) ? <DecisionForm e={e} onOutcome={setOutcome} /> : null}
      {outcome && (
        <Alert severity={outcome.ok ? 'success' : 'error'} onClose={() => setOutcome(null)} data-testid="decision-outcome">
          {outcome.text}
        </Alert>
      )}
      <Results e={e} />
    </Stack>
  );
}
