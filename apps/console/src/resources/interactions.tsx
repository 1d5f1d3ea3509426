import { DataTable, DateField, Link, List, ReferenceField, SelectArrayInput, TextInput } from 'react-admin';
import { INTERACTION_TYPES, type Interaction } from '../api/types.js';
import { choicesOf, humanize } from '../format.js';
import { EmptyState } from './EmptyState.js';

const Col = DataTable.Col<Interaction>;

const interactionFilters = [
  <SelectArrayInput key="types" source="types" label="Types" choices={choicesOf(INTERACTION_TYPES)} alwaysOn sx={{ minWidth: 160 }} />,
  <TextInput key="jobId" source="jobId" label="Job id" />,
  <TextInput key="candidateId" source="candidateId" label="Candidate id" />,
  <TextInput key="experimentKey" source="experimentKey" label="Experiment" />,
  <TextInput key="rankingId" source="rankingId" label="Ranking id" />,
];

export function InteractionList() {
  return (
    <List
      sort={{ field: 'occurredAt', order: 'DESC' }}
      exporter={false}
      filters={interactionFilters}
      perPage={25}
      empty={<EmptyState title="No interactions yet">Import some with `matchlab import interactions FILE`, or simulate a market.</EmptyState>}
    >
      <DataTable bulkActionButtons={false} rowClick={false}>
        <Col source="occurredAt" label="When">
          <DateField source="occurredAt" showTime />
        </Col>
        <Col source="type" disableSort render={(i) => humanize(i.type)} />
        <Col source="jobId" label="Job" disableSort>
          <ReferenceField source="jobId" reference="jobs" link="show" />
        </Col>
        <Col source="candidateId" label="Candidate" disableSort>
          <ReferenceField source="candidateId" reference="candidates" link="show" />
        </Col>
        <Col source="position" disableSort />
        <Col
          source="rankingId"
          label="Ranking"
          disableSort
          render={(i) => (i.rankingId ? <Link to={`/ranking-debug?id=${encodeURIComponent(i.rankingId)}`} onClick={(ev: { stopPropagation(): void }) => ev.stopPropagation()} title="Ranking debug">{i.rankingId}</Link> : '—')}
        />
        <Col source="experimentKey" label="Experiment" disableSort />
        <Col source="variant" disableSort />
      </DataTable>
    </List>
  );
}
