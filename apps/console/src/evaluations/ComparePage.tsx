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
import { Loading, Title, useDataProvider, useGetList, usePermissions } from 'react-admin';
import { useSearchParams } from 'react-router-dom';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Evaluation, EvaluationComparison } from '../api/types.js';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { canPromote, PromotePanel } from '../models/models.js';
import { comparableProblem, curveAcrossK, formatDifference, formatMetric, splitLabel, verdict } from './evaluation-data.js';

const COMPARE = `query ConsoleCompare($a: ID!, $b: ID!) {
  compareEvaluations(a: $a, b: $b) { users method metrics { name a b difference ciLow ciHigh pValue users } }
}`;

const label = (e: Evaluation) => `${e.modelRef} · ${splitLabel(e.protocol)} · ${new Date(e.createdAt).toLocaleString()}`;

function Curve({ a, b, family, title }: { a: Evaluation; b: Evaluation; family: string; title: string }) {
  const data = curveAcrossK(a.metrics, b.metrics, family);
  return (
    <Card variant="outlined" sx={{ flex: '1 1 380px' }}>
      <CardContent>
        <Typography variant="subtitle1">{title}</Typography>
        <Box sx={{ height: 240 }} data-testid={`curve-${family}`}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="k" label={{ value: 'k', position: 'insideBottomRight', offset: -4 }} />
              <YAxis domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(2)} />
              <Tooltip formatter={(v) => formatMetric(Number(v))} />
              <Legend />
              <Line type="monotone" dataKey="a" name={`A: ${a.modelRef}`} stroke="#1976d2" isAnimationActive={false} connectNulls />
              <Line type="monotone" dataKey="b" name={`B: ${b.modelRef}`} stroke="#d32f2f" isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </Box>
      </CardContent>
    </Card>
  );
}

/** Two evaluations on the same split: metrics with the paired difference, its CI and p-value, curves across k. */
export default function ComparePage() {
  const [params, setParams] = useSearchParams();
  const dp = useDataProvider<MatchlabDataProvider>();
  const { permissions } = usePermissions();
  const list = useGetList<Evaluation>('evaluations', { filter: { status: 'completed' }, pagination: { page: 1, perPage: 200 } });
  const aId = params.get('a') ?? '', bId = params.get('b') ?? '';
  const evaluations = list.data ?? [];
  const a = evaluations.find((e) => e.id === aId), b = evaluations.find((e) => e.id === bId);
  const problem = comparableProblem(a, b);
  const cmp = useQuery({
    queryKey: ['compareEvaluations', aId, bId],
    queryFn: () => dp.query<{ compareEvaluations: EvaluationComparison }>(COMPARE, { a: aId, b: bId }),
    enabled: problem === null,
    retry: false,
  });
  const pick = (key: 'a' | 'b', id: string) => {
    const next = new URLSearchParams(params);
    next.set(key, id);
    setParams(next, { replace: true });
  };

  return (
    <Box sx={{ mt: 2 }}>
      <Title title="Compare evaluations" />
      <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap', mb: 2 }}>
        {(['a', 'b'] as const).map((key) => (
          <TextField
            key={key}
            select
            size="small"
            label={key === 'a' ? 'A (baseline)' : 'B (challenger)'}
            value={key === 'a' ? aId : bId}
            onChange={(ev) => pick(key, ev.target.value)}
            sx={{ minWidth: 420 }}
            slotProps={{ htmlInput: { 'data-testid': `pick-${key}` } }}
          >
            {evaluations.map((e) => (
              <MenuItem key={e.id} value={e.id}>
                {label(e)}
              </MenuItem>
            ))}
          </TextField>
        ))}
      </Stack>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <Alert severity="error">{(list.error as Error).message}</Alert>
      ) : evaluations.length < 2 ? (
        <Alert severity="info">Two completed evaluations on the same split are needed; run them with `matchlab evaluate run`.</Alert>
      ) : problem ? (
        <Alert severity="info">{problem}</Alert>
      ) : cmp.error ? (
        <Alert severity="error">{(cmp.error as Error).message}</Alert>
      ) : !cmp.data ? (
        <Loading />
      ) : (
        <>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {`${cmp.data.compareEvaluations.users.toLocaleString('en-US')} paired users · ${cmp.data.compareEvaluations.method}`}
          </Typography>
          <Table size="small" data-testid="comparison-table">
            <TableHead>
              <TableRow>
                <TableCell>Metric</TableCell>
                <TableCell align="right">A</TableCell>
                <TableCell align="right">B</TableCell>
                <TableCell align="right">B − A</TableCell>
                <TableCell align="right">95% CI</TableCell>
                <TableCell align="right">p</TableCell>
                <TableCell>Verdict</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {cmp.data.compareEvaluations.metrics.map((m) => (
                <TableRow key={m.name}>
                  <TableCell>{m.name}</TableCell>
                  <TableCell align="right">{formatMetric(m.a)}</TableCell>
                  <TableCell align="right">{formatMetric(m.b)}</TableCell>
                  <TableCell align="right">{formatDifference(m.difference)}</TableCell>
                  <TableCell align="right">{`[${formatDifference(m.ciLow)}, ${formatDifference(m.ciHigh)}]`}</TableCell>
                  <TableCell align="right">{m.pValue < 0.001 ? '< 0.001' : m.pValue.toFixed(3)}</TableCell>
                  <TableCell>{verdict(m)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap', mt: 2 }}>
            <Curve a={a!} b={b!} family="ndcg" title="NDCG@k" />
            <Curve a={a!} b={b!} family="recall" title="Recall@k" />
          </Stack>
          {canPromote(permissions) && <PromotePanel key={b!.id} model={b!.model} versions={[b!.version]} defaultVersion={b!.version} />}
        </>
      )}
    </Box>
  );
}
