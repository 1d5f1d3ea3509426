import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { DataTable, DateField, List, Loading, SearchInput, Show, useRecordContext } from 'react-admin';
import type { ImportRun } from '../api/types.js';
import { EmptyState } from '../resources/EmptyState.js';
import { JobProgress, pollWhileLive } from '../resources/JobProgress.js';

const Col = DataTable.Col<ImportRun>;
const NumberCol = DataTable.NumberCol<ImportRun>;

const progressOf = (r: ImportRun) => <JobProgress status={r.status} percent={r.totalRows ? ((r.inserted + r.updated + r.unchanged + r.duplicates + r.rejected) / r.totalRows) * 100 : 0} caption={`${r.totalRows.toLocaleString('en-US')} rows`} />;

export function ImportList() {
  return (
    <List
      exporter={false}
      sort={{ field: 'startedAt', order: 'DESC' }}
      filters={[<SearchInput key="q" source="q" placeholder="Search file, kind, format" alwaysOn />]}
      perPage={25}
      queryOptions={{ refetchInterval: (q: { state: { data?: { data?: ImportRun[] } } }) => pollWhileLive(q.state.data?.data) }}
      empty={<EmptyState title="No imports yet">Import with `matchlab import jobs FILE` (or candidates, resumes, interactions).</EmptyState>}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="startedAt" label="Started">
          <DateField source="startedAt" showTime />
        </Col>
        <Col source="kind" />
        <Col source="sourceName" label="Source" />
        <NumberCol source="totalRows" label="Rows" />
        <NumberCol source="inserted" />
        <NumberCol source="updated" />
        <NumberCol source="duplicates" />
        <NumberCol source="rejected" />
        <Col label="Status" disableSort render={progressOf} />
      </DataTable>
    </List>
  );
}

function ImportDetails() {
  const r = useRecordContext<ImportRun>();
  if (!r || r.rejections === undefined) return <Loading />;
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {`Import of ${r.sourceName}`}
      </Typography>
      <Box sx={{ mb: 2 }}>{progressOf(r)}</Box>
      {r.error && <Alert severity="error" sx={{ mb: 2 }}>{r.error}</Alert>}
      <Typography variant="body2" gutterBottom>
        {`${r.kind} · ${r.format}${r.strict ? ' · strict' : ''} · ${r.totalRows} rows: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.duplicates} duplicates, ${r.rejected} rejected`}
      </Typography>
      <Typography variant="h6" sx={{ mt: 2 }}>
        Rejected rows
      </Typography>
      {r.rejections.length === 0 ? (
        <Typography color="text.secondary">None.</Typography>
      ) : (
        <Table size="small" data-testid="import-rejections">
          <TableHead>
            <TableRow>
              <TableCell>Line</TableCell>
              <TableCell>Field</TableCell>
              <TableCell>Reason</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {r.rejections.map((x, i) => (
              <TableRow key={i}>
                <TableCell>{x.line}</TableCell>
                <TableCell>{x.field ?? '—'}</TableCell>
                <TableCell>{x.reason}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

export function ImportShow() {
  return (
    <Show>
      <ImportDetails />
    </Show>
  );
}
