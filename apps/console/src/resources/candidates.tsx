import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { DataTable, DateField, List, Loading, SearchInput, Show, TextInput, useRecordContext } from 'react-admin';
import { BASE_CURRENCY, type Candidate } from '../api/types.js';
import { humanize } from '../format.js';
import { EmptyState } from './EmptyState.js';
import { Fact } from './Fact.js';

const Col = DataTable.Col<Candidate>;
const NumberCol = DataTable.NumberCol<Candidate>;

const candidateFilters = [
  <SearchInput key="q" source="q" placeholder="Search desired titles" alwaysOn />,
  <TextInput key="country" source="country" label="Country (ISO code)" sx={{ width: 150 }} />,
  <TextInput key="city" source="city" label="City" />,
  <TextInput key="skills" source="skills" label="Any of skills (comma-separated)" />,
];

/** First few items, then "+n". */
function Few({ items, max = 3 }: { items: string[]; max?: number }) {
  if (!items.length) return <>—</>;
  const rest = items.length - max;
  return <>{items.slice(0, max).join(', ') + (rest > 0 ? ` +${rest}` : '')}</>;
}

export function CandidateList() {
  return (
    <List
      sort={{ field: 'id', order: 'ASC' }}
      exporter={false}
      filters={candidateFilters}
      perPage={25}
      empty={<EmptyState title="No candidates yet">Import some with `matchlab import candidates FILE`.</EmptyState>}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="id" label="#" />
        <Col source="name" disableSort />
        <Col source="email" disableSort />
        <Col label="Location" disableSort render={(c) => [c.city, c.country].filter(Boolean).join(', ') || '—'} />
        <Col label="Desired titles" disableSort render={(c) => <Few items={c.desiredTitles} max={2} />} />
        <Col label="Skills" disableSort render={(c) => <Few items={c.skills} />} />
        <NumberCol source="yearsExperience" label="Years exp." />
        <Col source="createdAt" label="Created">
          <DateField source="createdAt" />
        </Col>
      </DataTable>
    </List>
  );
}

function CandidateTitle() {
  const c = useRecordContext<Candidate>();
  return <>{c ? `Candidate #${c.id}` : 'Candidate'}</>;
}

const yesNo = (b: boolean) => (b ? 'Yes' : 'No');
const money = (n: number | null | undefined) =>
  n == null ? '—' : n.toLocaleString('en-US', { style: 'currency', currency: BASE_CURRENCY, maximumFractionDigits: 0 });

function CandidateDetails() {
  const c = useRecordContext<Candidate>();
  // react-admin first shows the row cached by the list (without résumés, preferences…) until getOne answers.
  if (!c || c.resumes === undefined) return <Loading />;
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {c.name ?? `Candidate #${c.id}`}
      </Typography>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'repeat(3, minmax(0, 1fr))' }, gap: 3 }}>
        <Box>
          <Fact label="Email">{c.email ?? '—'}</Fact>
          <Fact label="Location">{[c.city, c.region, c.country].filter(Boolean).join(', ') || '—'}</Fact>
          <Fact label="Time zone">{c.timeZone ?? '—'}</Fact>
          <Fact label="Source">{`${c.source} / ${c.externalId}`}</Fact>
          <Fact label="Created">{new Date(c.createdAt).toLocaleString()}</Fact>
        </Box>
        <Box>
          <Fact label="Years of experience">{c.yearsExperience ?? '—'}</Fact>
          <Fact label="Education">{humanize(c.educationLevel)}</Fact>
          <Fact label={`Salary expectation (${BASE_CURRENCY}/yr)`}>{money(c.salaryExpectation)}</Fact>
          <Fact label="Desired titles">{c.desiredTitles.join(', ') || '—'}</Fact>
        </Box>
        <Box>
          <Fact label="Remote">{humanize(c.preferences.remote)}</Fact>
          <Fact label="Minimum salary">{money(c.preferences.minSalary)}</Fact>
          <Fact label="Max distance">{c.preferences.maxDistanceKm == null ? '—' : `${c.preferences.maxDistanceKm} km`}</Fact>
          <Fact label="Employment types">{c.preferences.employmentTypes?.map(humanize).join(', ') || '—'}</Fact>
          <Fact label="Consent: alerts / training">{`${yesNo(c.consentAlerts)} / ${yesNo(c.consentTraining)}`}</Fact>
        </Box>
      </Box>
      <Typography variant="subtitle2" color="text.secondary" sx={{ mt: 2 }} gutterBottom>
        Skills
      </Typography>
      <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5 }}>
        {c.skills.length ? c.skills.map((s) => <Chip key={s} size="small" label={s} />) : '—'}
      </Stack>
      <Typography variant="subtitle2" color="text.secondary" sx={{ mt: 3 }} gutterBottom>
        Résumés ({c.resumes.length})
      </Typography>
      {c.resumes.map((r) => (
        <Paper key={r.id} variant="outlined" sx={{ p: 2, mb: 1 }}>
          <Typography variant="caption" color="text.secondary">
            {`${r.category ?? 'Uncategorised'} · ${new Date(r.createdAt).toLocaleDateString()} · parsed skills: ${r.parsedSkills.join(', ') || '—'}`}
          </Typography>
          <Typography variant="body2" sx={{ whiteSpace: 'pre-line', maxHeight: 200, overflow: 'auto', mt: 1 }}>
            {r.text}
          </Typography>
        </Paper>
      ))}
    </Box>
  );
}

export function CandidateShow() {
  return (
    <Show title={<CandidateTitle />}>
      <CandidateDetails />
    </Show>
  );
}
