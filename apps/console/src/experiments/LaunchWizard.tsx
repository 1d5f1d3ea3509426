import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Step from '@mui/material/Step';
import StepLabel from '@mui/material/StepLabel';
import Stepper from '@mui/material/Stepper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import DeleteIcon from '@mui/icons-material/Delete';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Link, Loading, Title, useDataProvider, usePermissions } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { EXPERIMENT_METRICS, type Model, type SampleSizeResult } from '../api/types.js';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { canManageExperiments, formatPercent } from './experiment-data.js';
import { CREATE, LIFECYCLE, SAMPLE_SIZE, WIZARD_CONTEXT } from './queries.js';
import { estimatedDays, evenSplit, initialWizardState, modelRefOptions, sampleSizeInput, toCreateInput, validateStep, WIZARD_STEPS, type WizardState } from './wizard-data.js';

const METRICS = Object.keys(EXPERIMENT_METRICS);

type Context = { models: Array<Pick<Model, 'name'> & { aliases: Array<{ alias: string; version: number }>; versions: Array<{ version: number; status: string }> }>; alertOverview: { sent: number } };

function MetricChecks({ label, value, exclude, onChange }: { label: string; value: string[]; exclude: string; onChange: (v: string[]) => void }) {
  return (
    <Box>
      <Typography variant="subtitle2">{label}</Typography>
      <FormGroup row>
        {METRICS.filter((m) => m !== exclude).map((m) => (
          <FormControlLabel
            key={m}
            control={<Checkbox size="small" checked={value.includes(m)} onChange={(ev) => onChange(ev.target.checked ? [...value, m] : value.filter((x) => x !== m))} />}
            label={m}
            title={EXPERIMENT_METRICS[m]}
          />
        ))}
      </FormGroup>
    </Box>
  );
}

/** Launch wizard: name and hypothesis → variants and split → metrics → sample size → review and start. */
export function ExperimentCreate() {
  const dp = useDataProvider<MatchlabDataProvider>();
  const navigate = useNavigate();
  const { permissions, isPending: permissionsPending } = usePermissions();
  const [step, setStep] = useState(0);
  const [s, setS] = useState<WizardState>(initialWizardState);
  const [showErrors, setShowErrors] = useState(false);
  const [failure, setFailure] = useState<{ text: string; created: boolean } | null>(null);
  const set = (patch: Partial<WizardState>) => setS((prev) => ({ ...prev, ...patch }));

  const context = useQuery({ queryKey: ['wizardContext'], queryFn: () => dp.query<Context>(WIZARD_CONTEXT) });
  const recentPerDay = context.data ? Math.round(context.data.alertOverview.sent / 7) : null;
  const unitsPerDay = s.unitsPerDay ?? (recentPerDay && recentPerDay > 0 ? recentPerDay : null);
  const sizeErrors = validateStep(3, s);
  const size = useQuery({
    queryKey: ['sampleSize', s.baselineRate, s.mdePercent, s.power, s.alpha],
    queryFn: () => dp.query<{ sampleSize: SampleSizeResult }>(SAMPLE_SIZE, { input: sampleSizeInput(s) }),
    enabled: step >= 3 && Object.keys(sizeErrors).filter((k) => k !== 'unitsPerDay').length === 0,
    retry: false,
  });
  const perArm = size.data?.sampleSize.perArm ?? null;
  const days = perArm ? estimatedDays(perArm, { ...s, unitsPerDay }) : null;

  const launch = useMutation({
    mutationFn: async () => {
      const input = toCreateInput(s, { perArm, days: s.plannedDays ?? days });
      await dp.query(CREATE, { input }).catch((e: Error) => {
        throw Object.assign(new Error(e.message), { created: false });
      });
      await dp.query(LIFECYCLE.start, { key: s.key }).catch((e: Error) => {
        throw Object.assign(new Error(`Created as a draft, but starting failed: ${e.message}`), { created: true });
      });
    },
    onSuccess: () => navigate(`/experiments/${encodeURIComponent(s.key)}/show`),
    onError: (e: Error & { created?: boolean }) => setFailure({ text: e.message, created: e.created === true }),
  });

  if (permissionsPending) return <Loading />;
  if (!canManageExperiments(permissions)) return <Alert severity="warning" sx={{ mt: 2 }}>Your role can read experiments but not launch them.</Alert>;

  const errors = showErrors ? validateStep(step, s) : {};
  const next = () => {
    if (Object.keys(validateStep(step, s)).length) return setShowErrors(true);
    setShowErrors(false);
    setStep(step + 1);
  };
  const refs = context.data ? modelRefOptions(context.data.models) : [];

  return (
    <Box sx={{ mt: 2 }}>
      <Title title="Launch an experiment" />
      <Card variant="outlined">
        <CardContent>
          <Stepper activeStep={step} alternativeLabel sx={{ mb: 3 }}>
            {WIZARD_STEPS.map((label) => (
              <Step key={label}>
                <StepLabel>{label}</StepLabel>
              </Step>
            ))}
          </Stepper>

          {step === 0 && (
            <Stack sx={{ gap: 2, maxWidth: 720 }}>
              <TextField label="Key" value={s.key} onChange={(ev) => set({ key: ev.target.value.trim() })} error={!!errors['key']} helperText={errors['key'] ?? 'Unique; lowercase, e.g. alerts-als-vs-pop'} />
              <TextField label="Hypothesis" value={s.hypothesis} multiline minRows={2} onChange={(ev) => set({ hypothesis: ev.target.value })} error={!!errors['hypothesis']} helperText={errors['hypothesis'] ?? 'What you expect and why, e.g. “ALS raises click rate because …”'} />
              <TextField select fullWidth={false} label="Type" value={s.type} onChange={(ev) => set({ type: ev.target.value as WizardState['type'] })} sx={{ maxWidth: 320 }}>
                <MenuItem value="ab">A/B (units split between variants)</MenuItem>
                <MenuItem value="interleaving">Interleaving (lists mix the variants)</MenuItem>
              </TextField>
            </Stack>
          )}

          {step === 1 && (
            <Stack sx={{ gap: 2 }}>
              {context.error && <Alert severity="error">{(context.error as Error).message}</Alert>}
              {context.data && refs.length === 0 && <Alert severity="info">The registry has no models yet: train one first (Training jobs → Train).</Alert>}
              {s.variants.map((v, i) => (
                <Stack key={i} direction="row" sx={{ gap: 2, alignItems: 'flex-start', flexWrap: 'wrap' }} data-testid={`variant-${i}`}>
                  <TextField fullWidth={false} size="small" label={i === 0 ? 'Control key' : 'Variant key'} value={v.key} onChange={(ev) => set({ variants: s.variants.map((x, j) => (j === i ? { ...x, key: ev.target.value.trim() } : x)) })} error={!!errors[`variant.${i}.key`]} helperText={errors[`variant.${i}.key`]} sx={{ width: 160 }} />
                  <TextField select fullWidth={false} size="small" label="Model" value={refs.some((r) => r.ref === v.modelRef) ? v.modelRef : ''} onChange={(ev) => set({ variants: s.variants.map((x, j) => (j === i ? { ...x, modelRef: ev.target.value } : x)) })} error={!!errors[`variant.${i}.modelRef`]} helperText={errors[`variant.${i}.modelRef`]} sx={{ minWidth: 260 }}>
                    {refs.map((r) => (
                      <MenuItem key={r.ref} value={r.ref}>
                        {r.label}
                      </MenuItem>
                    ))}
                  </TextField>
                  {s.type === 'ab' && (
                    <TextField fullWidth={false} size="small" type="number" label="Traffic %" value={v.percent} onChange={(ev) => set({ variants: s.variants.map((x, j) => (j === i ? { ...x, percent: Number(ev.target.value) } : x)) })} error={!!errors[`variant.${i}.percent`]} helperText={errors[`variant.${i}.percent`]} sx={{ width: 120 }} />
                  )}
                  {s.variants.length > 2 && (
                    <IconButton aria-label={`Remove ${v.key}`} onClick={() => { const left = s.variants.filter((_, j) => j !== i); const split = evenSplit(left.length); set({ variants: left.map((x, j) => ({ ...x, percent: split[j]! })) }); }}>
                      <DeleteIcon />
                    </IconButton>
                  )}
                </Stack>
              ))}
              <Stack direction="row" sx={{ gap: 2, alignItems: 'center' }}>
                <Button label="Add variant" disabled={s.variants.length >= 4} onClick={() => { const split = evenSplit(s.variants.length + 1); set({ variants: [...s.variants, { key: `treatment${s.variants.length}`, modelRef: '', percent: 0 }].map((x, j) => ({ ...x, percent: split[j]! })) }); }} />
                <TextField fullWidth={false} size="small" type="number" label="Coverage %" value={s.coverage} onChange={(ev) => set({ coverage: Number(ev.target.value) })} error={!!errors['coverage']} helperText={errors['coverage'] ?? 'Share of eligible units in the experiment'} sx={{ width: 200 }} />
              </Stack>
              {(errors['split'] || errors['variants']) && <Alert severity="error">{errors['split'] ?? errors['variants']}</Alert>}
            </Stack>
          )}

          {step === 2 && (
            <Stack sx={{ gap: 2 }}>
              <TextField select fullWidth={false} label="Primary metric" value={s.primaryMetric} onChange={(ev) => set({ primaryMetric: ev.target.value })} error={!!errors['primaryMetric']} helperText={errors['primaryMetric'] ?? EXPERIMENT_METRICS[s.primaryMetric]} sx={{ maxWidth: 360 }}>
                {METRICS.map((m) => (
                  <MenuItem key={m} value={m}>
                    {m}
                  </MenuItem>
                ))}
              </TextField>
              <MetricChecks label="Secondary metrics" value={s.secondaryMetrics} exclude={s.primaryMetric} onChange={(v) => set({ secondaryMetrics: v })} />
              <MetricChecks label="Guardrails (may not get worse beyond the margin)" value={s.guardrailMetrics} exclude={s.primaryMetric} onChange={(v) => set({ guardrailMetrics: v })} />
              {(errors['guardrailMetrics'] || errors['metrics']) && <Alert severity="error">{errors['guardrailMetrics'] ?? errors['metrics']}</Alert>}
            </Stack>
          )}

          {step === 3 && (
            <Stack sx={{ gap: 2 }}>
              <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap' }}>
                <TextField fullWidth={false} size="small" type="number" label="Baseline rate (0–1)" value={s.baselineRate} onChange={(ev) => set({ baselineRate: Number(ev.target.value) })} error={!!errors['baselineRate']} helperText={errors['baselineRate'] ?? `of ${s.primaryMetric} today`} slotProps={{ htmlInput: { step: 0.01 } }} />
                <TextField fullWidth={false} size="small" type="number" label="Minimum detectable effect (%)" value={s.mdePercent} onChange={(ev) => set({ mdePercent: Number(ev.target.value) })} error={!!errors['mdePercent']} helperText={errors['mdePercent'] ?? 'relative, e.g. 5 for +5%'} />
                <TextField fullWidth={false} size="small" type="number" label="Power" value={s.power} onChange={(ev) => set({ power: Number(ev.target.value) })} error={!!errors['power']} helperText={errors['power']} slotProps={{ htmlInput: { step: 0.05 } }} />
                <TextField fullWidth={false} size="small" type="number" label="Alpha" value={s.alpha} onChange={(ev) => set({ alpha: Number(ev.target.value) })} error={!!errors['alpha']} helperText={errors['alpha']} slotProps={{ htmlInput: { step: 0.01 } }} />
                <TextField fullWidth={false} size="small" type="number" label="Eligible units per day" value={unitsPerDay ?? ''} onChange={(ev) => set({ unitsPerDay: ev.target.value === '' ? null : Number(ev.target.value) })} error={!!errors['unitsPerDay']} helperText={errors['unitsPerDay'] ?? (recentPerDay ? `recent traffic: ${recentPerDay.toLocaleString('en-US')} alerts/day (last 7 days)` : 'no recent alert traffic: enter an estimate')} />
              </Stack>
              <Box data-testid="sample-size">
                {size.error ? (
                  <Alert severity="error">{(size.error as Error).message}</Alert>
                ) : size.isFetching ? (
                  <Typography color="text.secondary">Calculating…</Typography>
                ) : size.data ? (
                  <Alert severity="info">
                    {`${size.data.sampleSize.perArm.toLocaleString('en-US')} units per variant (${(size.data.sampleSize.perArm * s.variants.length).toLocaleString('en-US')} in all) to detect ${s.mdePercent}% relative (${formatPercent(size.data.sampleSize.absoluteMde, 3)} absolute) with power ${s.power} at alpha ${s.alpha}.`}
                    {days ? ` About ${days} days at ${unitsPerDay!.toLocaleString('en-US')} units/day and ${s.coverage}% coverage.` : ' Enter units per day for a duration estimate.'}
                  </Alert>
                ) : (
                  <Typography color="text.secondary">Fix the inputs to calculate.</Typography>
                )}
              </Box>
              <TextField fullWidth={false} size="small" type="number" label="Planned days (optional)" value={s.plannedDays ?? ''} onChange={(ev) => set({ plannedDays: ev.target.value === '' ? null : Number(ev.target.value) })} helperText={days ? `default: the estimate, ${days} days` : 'leave empty for none'} sx={{ maxWidth: 240 }} />
            </Stack>
          )}

          {step === 4 && (
            <Box>
              <Table size="small" data-testid="wizard-review" sx={{ maxWidth: 900 }}>
                <TableBody>
                  {[
                    ['Key', s.key],
                    ['Type', s.type === 'ab' ? 'A/B' : 'interleaving'],
                    ['Hypothesis', s.hypothesis],
                    ['Variants', s.variants.map((v) => `${v.key}: ${v.modelRef}${s.type === 'ab' ? ` (${v.percent}%)` : ''}`).join(' · ')],
                    ['Coverage', `${s.coverage}%`],
                    ['Primary metric', s.primaryMetric],
                    ['Secondary', s.secondaryMetrics.filter((m) => m !== s.primaryMetric).join(', ') || '—'],
                    ['Guardrails', s.guardrailMetrics.join(', ') || '—'],
                    ['Sample size', perArm ? `${perArm.toLocaleString('en-US')} per variant` : '—'],
                    ['Planned days', String(s.plannedDays ?? days ?? '—')],
                  ].map(([k, v]) => (
                    <TableRow key={k}>
                      <TableCell sx={{ width: 180, fontWeight: 600 }}>{k}</TableCell>
                      <TableCell>{v}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {failure && (
                <Alert severity="error" sx={{ mt: 2 }} data-testid="launch-error">
                  {failure.text}
                  {failure.created && (
                    <>
                      {' '}
                      <Link to={`/experiments/${encodeURIComponent(s.key)}/show`}>Open the draft</Link>
                    </>
                  )}
                </Alert>
              )}
            </Box>
          )}

          <Stack direction="row" sx={{ gap: 2, mt: 3 }}>
            <Button label="Back" disabled={step === 0 || launch.isPending} onClick={() => { setShowErrors(false); setStep(step - 1); }} />
            {step < WIZARD_STEPS.length - 1 ? (
              <Button label="Next" variant="contained" onClick={next} />
            ) : (
              <Button label="Create and start" variant="contained" disabled={launch.isPending} onClick={() => { setFailure(null); launch.mutate(); }} />
            )}
          </Stack>
        </CardContent>
      </Card>
    </Box>
  );
}
