import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import { humanize } from '../format.js';

/** Statuses of queued work (training, evaluation, import) that are still moving. */
export const LIVE_STATUSES: readonly string[] = ['queued', 'running'];

const STATUS_COLOR: Record<string, 'default' | 'info' | 'success' | 'error' | 'warning'> = {
  queued: 'default',
  running: 'info',
  completed: 'success',
  succeeded: 'success',
  failed: 'error',
  rejected: 'error',
  cancelled: 'warning',
  retrying: 'warning',
  pending: 'default',
};

export function RunStatusChip({ status }: { status: string }) {
  return <Chip size="small" variant="outlined" color={STATUS_COLOR[status] ?? 'default'} label={humanize(status)} />;
}

/** A live bar while the work runs (percent and what it is doing), its final status after. */
export function JobProgress({ status, percent, caption }: { status: string; percent: number; caption: string }) {
  if (!LIVE_STATUSES.includes(status)) return <RunStatusChip status={status} />;
  return (
    <Box sx={{ minWidth: 160 }} data-testid="job-progress">
      <LinearProgress variant="determinate" value={Math.max(0, Math.min(100, percent))} />
      <Typography variant="caption" color="text.secondary">{`${Math.round(percent)}% · ${caption}`}</Typography>
    </Box>
  );
}

/** react-query refetch interval: every 2 s while any shown row is still live. */
export const pollWhileLive = (rows: ReadonlyArray<{ status: string }> | undefined): number | false => (rows?.some((r) => LIVE_STATUSES.includes(r.status)) ? 2000 : false);
