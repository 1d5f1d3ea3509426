import Alert from '@mui/material/Alert';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
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
import { useSearchParams } from 'react-router-dom';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { exportFileName, groupRows, METRIC_LABELS, METRIC_ORDER, type FairnessAudit } from './fairness-data.js';
import { FAIRNESS_AUDITS, FAIRNESS_EXPORT, RUN_FAIRNESS_AUDIT } from './queries.js';

const FLAG_BG = 'rgba(211, 47, 47, 0.12)';

function AuditTable({ audit }: { audit: FairnessAudit }) {
  const rows = groupRows(audit);
  return (
    <Table size="small" data-testid="fairness-groups">
      <TableHead>
        <TableRow>
          <TableCell>Group</TableCell>
          <TableCell align="right">Candidates</TableCell>
          <TableCell>Exposure share</TableCell>
          {METRIC_ORDER.map((m) => <TableCell key={m}>{METRIC_LABELS[m]} [95% CI] · ratio vs {audit.referenceGroup ?? 'reference'}</TableCell>)}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.group} data-flagged={r.flagged ? 'true' : 'false'} sx={r.flagged ? { backgroundColor: FLAG_BG } : undefined}>
            <TableCell>
              {r.group} {r.reference && <Chip size="small" label="reference" />} {r.insufficient && <Chip size="small" label="too few candidates" />}
            </TableCell>
            <TableCell align="right">{r.candidates}</TableCell>
            <TableCell>{r.shares}</TableCell>
            {r.cells.map((c) => (
              <TableCell key={c.metric} data-metric={c.metric} sx={c.flagged ? { fontWeight: 700, color: 'error.main' } : undefined}>
                {c.value}
                {c.ratio && <div>{c.ratio}{c.flagged ? ' ⚑' : ''}</div>}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Fairness audits: the stored reports (scheduled daily and on demand), one audit's per-group table, CSV/JSON export. */
export default function FairnessPage() {
  const provider = useDataProvider<MatchlabDataProvider>();
  const notify = useNotify();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [running, setRunning] = useState(false);
  const audits = useQuery({ queryKey: ['fairnessAudits'], queryFn: async () => (await provider.query<{ rows: FairnessAudit[] }>(FAIRNESS_AUDITS, { limit: 50 })).rows });
  if (audits.isPending) return <Loading />;
  if (audits.error) return <Alert severity="error">{(audits.error as Error).message}</Alert>;
  const list = audits.data ?? [];
  const selected = list.find((a) => a.id === params.get('id')) ?? list[0];

  const run = async (attribute: string) => {
    setRunning(true);
    try {
      const { audit } = await provider.query<{ audit: { id: string } }>(RUN_FAIRNESS_AUDIT, { attribute });
      await client.invalidateQueries({ queryKey: ['fairnessAudits'] });
      setParams({ id: audit.id });
    } catch (err) {
      notify((err as Error).message, { type: 'error' });
    } finally {
      setRunning(false);
    }
  };
  const download = async (audit: FairnessAudit, format: 'csv' | 'json') => {
    const { text } = await provider.query<{ text: string }>(FAIRNESS_EXPORT, { id: audit.id, format: format.toUpperCase() });
    const url = URL.createObjectURL(new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName(audit, format);
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Stack spacing={2} sx={{ mt: 1 }}>
      <Title title="Fairness audits" />
      <Stack direction="row" spacing={1}>
        <Button label="Run gender audit now" disabled={running} onClick={() => run('gender')} />
        <Button label="Run age band audit now" disabled={running} onClick={() => run('age_band')} />
      </Stack>
      <Card>
        <CardContent>
          <Typography variant="h6">Audits</Typography>
          {list.length === 0 ? <Typography>No audits yet. They run daily once candidates have given a protected attribute with consent.</Typography> : (
            <Table size="small" data-testid="fairness-audits">
              <TableHead>
                <TableRow><TableCell>#</TableCell><TableCell>Attribute</TableCell><TableCell>Window</TableCell><TableCell>Trigger</TableCell><TableCell>Created</TableCell><TableCell align="right">Flagged</TableCell></TableRow>
              </TableHead>
              <TableBody>
                {list.map((a) => (
                  <TableRow key={a.id} hover selected={a.id === selected?.id} onClick={() => setParams({ id: a.id })} sx={{ cursor: 'pointer', ...(a.flagged ? { backgroundColor: FLAG_BG } : {}) }}>
                    <TableCell>{a.id}</TableCell>
                    <TableCell>{a.attribute}</TableCell>
                    <TableCell>{a.windowFrom.slice(0, 10)} – {a.windowTo.slice(0, 10)}</TableCell>
                    <TableCell>{a.trigger}</TableCell>
                    <TableCell>{a.createdAt.replace('T', ' ').slice(0, 16)}</TableCell>
                    <TableCell align="right">{a.flagged}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      {selected && (
        <Card>
          <CardContent>
            <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
              <Typography variant="h6">Audit {selected.id}: {selected.attribute}</Typography>
              <Chip color={selected.flagged ? 'error' : 'success'} label={selected.flagged ? `${selected.flagged} flagged` : 'nothing flagged'} />
              <Button label="CSV" onClick={() => download(selected, 'csv')} />
              <Button label="JSON" onClick={() => download(selected, 'json')} />
            </Stack>
            <Typography variant="body2" sx={{ my: 1 }}>
              Flags: exposure and rates below {selected.config.rateThreshold} (four-fifths rule) or above its inverse, salary and seniority beyond ±{(100 * selected.config.meanGap).toFixed(0)}%, and only when the interval of the ratio excludes 1; groups under {selected.config.minCandidates} candidates are never flagged.
            </Typography>
            <AuditTable audit={selected} />
          </CardContent>
        </Card>
      )}
    </Stack>
  );
}
