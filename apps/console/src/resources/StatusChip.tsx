import Chip from '@mui/material/Chip';
import type { JobStatus } from '../api/types.js';
import { humanize } from '../format.js';

const COLOR: Record<JobStatus, 'success' | 'default' | 'warning' | 'error'> = {
  active: 'success',
  expired: 'default',
  closed: 'default',
  duplicate: 'warning',
};

export function StatusChip({ status }: { status: JobStatus | null | undefined }) {
  if (!status) return null;
  return <Chip size="small" variant="outlined" color={COLOR[status] ?? 'default'} label={humanize(status)} />;
}
