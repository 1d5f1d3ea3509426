import Alert from '@mui/material/Alert';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Loading, Title, useDataProvider, useNotify } from 'react-admin';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { isLive, sourceTarget, SOURCES_PAGE, SYNC_SOURCE, type JobSourceRow, type SourceRunRow } from './queries.js';

/** Job sources (career pages, feeds) and their sync runs with counts; "Sync now" queues a run. */
export default function SourcesPage() {
  const provider = useDataProvider<MatchlabDataProvider>();
  const notify = useNotify();
  const client = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const page = useQuery({
    queryKey: ['jobSources'],
    queryFn: () => provider.query<{ sources: { items: JobSourceRow[] }; runs: { items: SourceRunRow[] } }>(SOURCES_PAGE, {}),
    refetchInterval: (q) => (isLive(q.state.data?.runs.items ?? []) ? 2000 : false),
  });
  if (page.isPending) return <Loading />;
  if (page.error) return <Alert severity="error">{(page.error as Error).message}</Alert>;
  const sources = page.data.sources.items;
  const runs = page.data.runs.items;
  const sync = async (name: string) => {
    try {
      await provider.query(SYNC_SOURCE, { source: name });
      await client.invalidateQueries({ queryKey: ['jobSources'] });
    } catch (err) {
      notify((err as Error).message, { type: 'error' });
    }
  };
  const selected = runs.find((r) => r.id === open);

  return (
    <Stack spacing={2} sx={{ mt: 1 }}>
      <Title title="Job sources" />
      <Card>
        <CardContent>
          <Typography variant="h6">Sources</Typography>
          {sources.length === 0 ? (
            <Typography>No sources yet. Add one with `matchlab sources add NAME --type xml_feed --url …` or the addSource mutation.</Typography>
          ) : (
            <Table size="small" aria-label="sources">
              <TableHead>
                <TableRow>
                  <TableCell>Name</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell>Target</TableCell>
                  <TableCell>Schedule</TableCell>
                  <TableCell>Owner</TableCell>
                  <TableCell>Last run</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {sources.map((s) => (
                  <TableRow key={s.id}>
                    <TableCell>{s.name}{s.enabled ? '' : ' (disabled)'}</TableCell>
                    <TableCell>{s.type}</TableCell>
                    <TableCell sx={{ maxWidth: 360, overflowWrap: 'anywhere' }}>{sourceTarget(s)}</TableCell>
                    <TableCell>{s.schedule ?? 'manual'}</TableCell>
                    <TableCell>{s.owner ?? ''}</TableCell>
                    <TableCell>{s.lastRunAt ? new Date(s.lastRunAt).toLocaleString() : 'never'}</TableCell>
                    <TableCell><Button label="Sync now" onClick={() => sync(s.name)} /></TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Typography variant="h6">Runs</Typography>
          <Table size="small" aria-label="source runs">
            <TableHead>
              <TableRow>
                {['Queued', 'Source', 'Status', 'Fetched', 'New', 'Updated', 'Unchanged', 'Duplicates', 'Expired', 'Rejected', 'Duration'].map((h) => <TableCell key={h}>{h}</TableCell>)}
              </TableRow>
            </TableHead>
            <TableBody>
              {runs.map((r) => (
                <TableRow key={r.id} hover selected={r.id === open} onClick={() => setOpen(r.id === open ? null : r.id)} sx={{ cursor: 'pointer' }}>
                  <TableCell>{new Date(r.queuedAt).toLocaleString()}</TableCell>
                  <TableCell>{r.sourceName}</TableCell>
                  <TableCell>{r.status === 'running' ? `running (${r.progress})` : r.status}</TableCell>
                  {[r.fetched, r.new, r.updated, r.unchanged, r.duplicates, r.expired, r.rejected].map((n, i) => <TableCell key={i} align="right">{n.toLocaleString('en-US')}</TableCell>)}
                  <TableCell>{r.durationMs === null ? '' : `${(r.durationMs / 1000).toFixed(1)} s`}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      {selected && (
        <Card>
          <CardContent>
            <Typography variant="h6">{`Run ${selected.id} of ${selected.sourceName}`}</Typography>
            {selected.error && <Alert severity="warning" sx={{ my: 1 }}>{selected.error}</Alert>}
            {selected.rejections.length === 0 && selected.skipped.length === 0 && <Typography>No rejected records or skipped pages.</Typography>}
            {selected.rejections.map((x, i) => <Typography key={`r${i}`} variant="body2">{`#${x.line}${x.field ? ` ${x.field}` : ''}: ${x.reason}`}</Typography>)}
            {selected.skipped.map((x, i) => <Typography key={`s${i}`} variant="body2">{`skipped ${x.url}: ${x.reason}`}</Typography>)}
          </CardContent>
        </Card>
      )}
    </Stack>
  );
}
