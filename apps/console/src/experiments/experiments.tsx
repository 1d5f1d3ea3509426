import Chip from '@mui/material/Chip';
import { lazy, Suspense } from 'react';
import { CreateButton, DataTable, DateField, List, Loading, SearchInput, SelectInput, Show, TopToolbar, usePermissions } from 'react-admin';
import { EXPERIMENT_STATUSES, type Experiment } from '../api/types.js';
import { choicesOf } from '../format.js';
import { EmptyState } from '../resources/EmptyState.js';
import { canManageExperiments } from './experiment-data.js';

const Col = DataTable.Col<Experiment>;

const STATUS_COLOR: Record<string, 'default' | 'info' | 'success' | 'warning' | 'error'> = {
  draft: 'default',
  running: 'info',
  paused: 'warning',
  stopped: 'default',
  concluded: 'success',
};

export function ExperimentStatusChip({ status }: { status: string }) {
  return <Chip size="small" variant="outlined" color={STATUS_COLOR[status] ?? 'default'} label={status} data-testid="experiment-status" />;
}

const filters = [
  <SearchInput key="q" source="q" placeholder="Search key, hypothesis, owner" alwaysOn />,
  <SelectInput key="status" source="status" label="Status" choices={choicesOf(EXPERIMENT_STATUSES)} alwaysOn />,
];

function ListActions() {
  const { permissions } = usePermissions();
  return <TopToolbar>{canManageExperiments(permissions) && <CreateButton label="Launch experiment" />}</TopToolbar>;
}

/** No experiment yet: say how to start one, with the Launch button for the roles that may. */
function NoExperiments() {
  const { permissions } = usePermissions();
  return (
    <EmptyState title="No experiments yet">
      Launch one from the wizard or with `matchlab experiments create --file exp.json`.
      {canManageExperiments(permissions) && (
        <>
          <br />
          <CreateButton label="Launch experiment" variant="contained" sx={{ mt: 2 }} />
        </>
      )}
    </EmptyState>
  );
}

export function ExperimentList() {
  return (
    <List
      exporter={false}
      filters={filters}
      sort={{ field: 'createdAt', order: 'DESC' }}
      perPage={25}
      actions={<ListActions />}
      empty={<NoExperiments />}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <Col source="key" />
        <Col source="status" render={(e) => <ExperimentStatusChip status={e.status} />} />
        <Col source="type" />
        <Col source="primaryMetric" label="Primary metric" />
        <Col label="Variants" disableSort render={(e) => e.variants.map((v) => `${v.key}${v.modelRef ? ` (${v.modelRef})` : ''}`).join(' vs ')} />
        <Col source="owner" />
        <Col label="Decision" source="decision" render={(e) => (e.decision ? `${e.decision}${e.decisionVariant ? ` ${e.decisionVariant}` : ''}` : '—')} />
        <Col source="createdAt" label="Created">
          <DateField source="createdAt" />
        </Col>
      </DataTable>
    </List>
  );
}

// The dashboard carries recharts: its own chunk, loaded when a show page opens.
const LazyDashboard = lazy(() => import('./ExperimentDashboard.js'));

export function ExperimentShow() {
  return (
    <Show title="Experiment">
      <Suspense fallback={<Loading />}>
        <LazyDashboard />
      </Suspense>
    </Show>
  );
}
