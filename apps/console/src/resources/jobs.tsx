import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  DataTable,
  DateField,
  Labeled,
  List,
  Loading,
  NullableBooleanInput,
  Pagination,
  ReferenceField,
  ReferenceManyField,
  SearchInput,
  SelectArrayInput,
  Show,
  TextInput,
  useRecordContext,
} from 'react-admin';
import { BASE_CURRENCY, JOB_STATUSES, SENIORITIES, type Interaction, type Job } from '../api/types.js';
import { choicesOf, formatLocation, formatPostedSalary, humanize } from '../format.js';
import { EmptyState } from './EmptyState.js';
import { StatusChip } from './StatusChip.js';
import { Fact } from './Fact.js';

const Col = DataTable.Col<Job>;
const NumberCol = DataTable.NumberCol<Job>;
const money = { style: 'currency', currency: BASE_CURRENCY, maximumFractionDigits: 0 } as const;

const jobFilters = [
  <SearchInput key="q" source="q" placeholder="Search title and description" alwaysOn />,
  <SelectArrayInput key="status" source="status" label="Status" choices={choicesOf(JOB_STATUSES)} alwaysOn sx={{ minWidth: 160 }} />,
  <SelectArrayInput key="seniority" source="seniority" label="Seniority" choices={choicesOf(SENIORITIES)} sx={{ minWidth: 160 }} />,
  <TextInput key="country" source="country" label="Country (ISO code)" sx={{ width: 150 }} />,
  <NullableBooleanInput key="remote" source="remote" label="Remote" sx={{ minWidth: 120 }} />,
];

export function JobList() {
  return (
    <List
      sort={{ field: 'postedAt', order: 'DESC' }}
      exporter={false}
      filters={jobFilters}
      perPage={25}
      empty={<EmptyState title="No job postings yet">Import some with `matchlab import jobs FILE`, or run `matchlab simulate market`.</EmptyState>}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="title" />
        <Col source="company.name" label="Company" disableSort />
        <Col label="Location" disableSort render={(job) => formatLocation(job.location)} />
        <NumberCol source="salary.annualMax" label={`Salary max / yr (${BASE_CURRENCY})`} options={money} />
        <Col source="seniority" disableSort render={(job) => humanize(job.seniority)} />
        <Col source="postedAt" label="Posted">
          <DateField source="postedAt" />
        </Col>
        <Col source="status" disableSort render={(job) => <StatusChip status={job.status} />} />
      </DataTable>
    </List>
  );
}

function JobTitle() {
  const job = useRecordContext<Job>();
  return <>{job ? job.title : 'Job'}</>;
}

const InteractionCol = DataTable.Col<Interaction>;

function JobDetails() {
  const job = useRecordContext<Job>();
  // react-admin first shows the row cached by the list (without description, skills…) until getOne answers.
  if (!job || job.description === undefined) return <Loading />;
  const annual = job.salary && (job.salary.annualMin != null || job.salary.annualMax != null);
  const fmt = (n: number | null | undefined) => (n == null ? '—' : n.toLocaleString('en-US', money));
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" spacing={1} sx={{ mb: 2, flexWrap: 'wrap', alignItems: 'center' }}>
        <Typography variant="h5" component="h1">
          {job.title}
        </Typography>
        <StatusChip status={job.status} />
        {job.location.remote && <Chip size="small" label="Remote" />}
      </Stack>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'minmax(0, 2fr) minmax(240px, 1fr)' }, gap: 4 }}>
        <Box>
          <Typography variant="subtitle2" color="text.secondary" gutterBottom>
            Description
          </Typography>
          <Typography variant="body2" sx={{ whiteSpace: 'pre-line', maxHeight: 420, overflow: 'auto' }}>
            {job.description || '—'}
          </Typography>
          <Typography variant="subtitle2" color="text.secondary" sx={{ mt: 2 }} gutterBottom>
            Skills
          </Typography>
          <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5 }}>
            {job.skills.length ? job.skills.map((s) => <Chip key={s} size="small" label={s} />) : '—'}
          </Stack>
        </Box>
        <Box>
          <Fact label="Company">{job.company?.name ?? '—'}</Fact>
          <Fact label="Location">{formatLocation(job.location)}</Fact>
          <Fact label="Salary (as posted)">{formatPostedSalary(job.salary)}</Fact>
          <Fact label={`Salary per year (${BASE_CURRENCY})`}>{annual ? `${fmt(job.salary?.annualMin)} – ${fmt(job.salary?.annualMax)}` : '—'}</Fact>
          <Fact label="Seniority">{humanize(job.seniority)}</Fact>
          <Fact label="Employment type">{humanize(job.employmentType)}</Fact>
          <Fact label="Posted">{new Date(job.postedAt).toLocaleString()}</Fact>
          <Fact label="Expires">{job.expiresAt ? new Date(job.expiresAt).toLocaleString() : '—'}</Fact>
          <Fact label="Source">{`${job.source} / ${job.externalId}`}</Fact>
          {job.canonicalJobId && (
            <Labeled label="Duplicate of">
              <ReferenceField source="canonicalJobId" reference="jobs" link="show" />
            </Labeled>
          )}
        </Box>
      </Box>
      <Typography variant="subtitle2" color="text.secondary" sx={{ mt: 4 }} gutterBottom>
        Interactions with this job
      </Typography>
      <ReferenceManyField
        reference="interactions"
        target="jobId"
        sort={{ field: 'occurredAt', order: 'DESC' }}
        perPage={10}
        pagination={<Pagination rowsPerPageOptions={[10, 25, 50]} />}
        empty={<Typography variant="body2">No interactions recorded for this job.</Typography>}
      >
        <DataTable bulkActionButtons={false} rowClick={false}>
          <InteractionCol source="occurredAt" label="When">
            <DateField source="occurredAt" showTime />
          </InteractionCol>
          <InteractionCol source="type" disableSort render={(i) => humanize(i.type)} />
          <InteractionCol source="candidateId" label="Candidate" disableSort>
            <ReferenceField source="candidateId" reference="candidates" link="show" />
          </InteractionCol>
          <InteractionCol source="position" disableSort />
          <InteractionCol source="experimentKey" label="Experiment" disableSort />
          <InteractionCol source="variant" disableSort />
        </DataTable>
      </ReferenceManyField>
    </Box>
  );
}

export function JobShow() {
  return (
    <Show title={<JobTitle />}>
      <JobDetails />
    </Show>
  );
}
