import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Link, Loading, Title, useDataProvider, useGetMany } from 'react-admin';
import { useSearchParams } from 'react-router-dom';
import type { Job } from '../api/types.js';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { RANKING_DEBUG } from './queries.js';
import { cleanRankingId, jobJourneys, stageSummaries, type RankingDebug } from './ranking-data.js';

function Stages({ debug }: { debug: RankingDebug }) {
  const rows = stageSummaries(debug.stages);
  return (
    <Table size="small" data-testid="ranking-stages" sx={{ '& td:not(:last-child), & th': { whiteSpace: 'nowrap' } }}>
      <TableHead>
        <TableRow>
          <TableCell>Stage</TableCell>
          <TableCell align="right">In → out</TableCell>
          <TableCell align="right">Added</TableCell>
          <TableCell align="right">Removed</TableCell>
          <TableCell align="right">Moved up / down</TableCell>
          <TableCell align="right">Into / out of the top</TableCell>
          <TableCell align="right">Time</TableCell>
          <TableCell>Removal reasons · parameters</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((s) => (
          <TableRow key={s.stage}>
            <TableCell sx={{ fontWeight: 600 }}>{s.stage}</TableCell>
            <TableCell align="right">{`${s.itemsIn} → ${s.itemsOut}`}</TableCell>
            <TableCell align="right">{s.added || '—'}</TableCell>
            <TableCell align="right">{s.removed || '—'}</TableCell>
            <TableCell align="right">{s.up || s.down ? `${s.up} / ${s.down}` : '—'}</TableCell>
            <TableCell align="right">{s.enteredTop || s.leftTop ? `${s.enteredTop} / ${s.leftTop}` : '—'}</TableCell>
            <TableCell align="right">{`${s.ms.toFixed(1)} ms`}</TableCell>
            <TableCell sx={{ fontSize: 12, maxWidth: 360, overflowWrap: 'anywhere' }}>
              {s.removalReasons.length ? <div>{s.removalReasons.join(', ')}</div> : null}
              <Typography component="span" variant="caption" color="text.secondary" sx={{ fontFamily: 'monospace' }}>
                {s.params}
              </Typography>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Jobs({ debug }: { debug: RankingDebug }) {
  const journeys = jobJourneys(debug);
  const { data: jobs } = useGetMany<Job & { id: string }>('jobs', { ids: journeys.map((j) => j.jobId) });
  const title = (id: string) => jobs?.find((j) => String(j.id) === id)?.title ?? `job ${id}`;
  const moving = debug.stages.slice(1);
  return (
    <Box sx={{ overflowX: 'auto', maxWidth: '100%' }}>
      <Table size="small" data-testid="ranking-jobs">
        <TableHead>
          <TableRow>
            <TableCell>#</TableCell>
            <TableCell>Job</TableCell>
            <TableCell align="right">Score (model)</TableCell>
            {moving.map((s) => (
              <TableCell key={s.stage} align="center">
                {s.stage}
              </TableCell>
            ))}
            <TableCell>Reasons</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {journeys.map((j) => (
            <TableRow key={j.jobId}>
              <TableCell>{j.position}</TableCell>
              <TableCell sx={{ minWidth: 140 }}>
                <Link to={`/jobs/${j.jobId}/show`}>{title(j.jobId)}</Link>
              </TableCell>
              <TableCell align="right">{`${j.score.toFixed(3)} (${j.modelScore == null ? 'new' : j.modelScore.toFixed(3)})`}</TableCell>
              {j.steps.slice(1).map((st) => (
                <TableCell key={st.stage} align="center" sx={{ whiteSpace: 'nowrap', fontSize: 12 }}>
                  {st.change || '·'}
                  {st.scoreDelta != null && (
                    <Typography component="div" variant="caption" color={st.scoreDelta > 0 ? 'success.main' : 'error.main'}>
                      {`${st.scoreDelta > 0 ? '+' : '−'}${Math.abs(st.scoreDelta).toFixed(3)}`}
                    </Typography>
                  )}
                </TableCell>
              ))}
              <TableCell sx={{ minWidth: 220, maxWidth: 380 }}>
                <Stack direction="row" sx={{ gap: 0.5, flexWrap: 'wrap' }}>
                  {j.reasons.map((r) => (
                    <Chip
                      key={r.code + r.text}
                      size="small"
                      variant="outlined"
                      label={r.text}
                      title={`${r.code}${r.detail ? `: ${r.detail}` : ''}`}
                      sx={{ height: 'auto', maxWidth: '100%', '& .MuiChip-label': { whiteSpace: 'normal', py: 0.25 } }}
                    />
                  ))}
                </Stack>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** One served list (rankedJobs or an alert), stage by stage, and each job's reasons. */
export default function RankingDebugPage() {
  const dp = useDataProvider<MatchlabDataProvider>();
  const [params, setParams] = useSearchParams();
  const id = cleanRankingId(params.get('id') ?? '');
  const [typed, setTyped] = useState(params.get('id') ?? '');
  const q = useQuery({ queryKey: ['rankingDebug', id], queryFn: () => dp.query<{ rankingDebug: RankingDebug }>(RANKING_DEBUG, { id }), enabled: id !== null, retry: false });
  const go = () => {
    const clean = cleanRankingId(typed);
    if (clean) setParams({ id: clean }, { replace: false });
  };
  const d = q.data?.rankingDebug;
  return (
    <Box sx={{ mt: 2, minWidth: 0, maxWidth: '100%' }}>
      <Title title="Ranking debug" />
      <Stack direction="row" sx={{ gap: 2, alignItems: 'center', mb: 2, flexWrap: 'wrap' }}>
        <TextField
          fullWidth={false}
          size="small"
          label="Ranking id"
          value={typed}
          onChange={(ev) => setTyped(ev.target.value)}
          onKeyDown={(ev) => ev.key === 'Enter' && go()}
          helperText="From an alert delivery, an interaction, or rankedJobs' rankingId"
          sx={{ minWidth: 420 }}
        />
        <Button label="Show" variant="contained" disabled={!cleanRankingId(typed)} onClick={go} />
      </Stack>
      {id === null ? (
        <Alert severity="info">Enter the ranking id of a served list to see what each pipeline stage did to it and why each job is there.</Alert>
      ) : q.error ? (
        <Alert severity="error">{(q.error as Error).message}</Alert>
      ) : !d ? (
        <Loading />
      ) : (
        <Stack sx={{ gap: 2 }}>
          <Typography variant="body2" color="text.secondary" data-testid="ranking-meta">
            {`${d.channel} for candidate #${d.candidateId} · ${new Date(d.createdAt).toLocaleString()} · pipeline ${d.pipeline} · model ${d.modelRef ?? '—'}${d.modelVersion != null ? ` v${d.modelVersion}` : ''}${d.experimentKey ? ` · experiment ${d.experimentKey}/${d.variant}` : ''}`}
          </Typography>
          <Card variant="outlined" sx={{ minWidth: 0 }}>
            <CardContent>
              <Typography variant="h6" gutterBottom>
                Pipeline stages
              </Typography>
              <Stages debug={d} />
            </CardContent>
          </Card>
          <Card variant="outlined" sx={{ minWidth: 0 }}>
            <CardContent>
              <Typography variant="h6" gutterBottom>
                {`Served jobs (${d.items.length})`}
              </Typography>
              <Jobs debug={d} />
              <Typography variant="caption" color="text.secondary">
                Per stage: position before→after within the logged top (— = outside it) and the score change.
              </Typography>
            </CardContent>
          </Card>
        </Stack>
      )}
    </Box>
  );
}
