import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { Labeled } from 'react-admin';

/** A labelled value on a show page. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Labeled label={label} sx={{ mb: 1, display: 'block' }}>
      <Typography variant="body2" component="span">
        {children}
      </Typography>
    </Labeled>
  );
}
