import EvaluationIcon from '@mui/icons-material/Assessment';
import ImportIcon from '@mui/icons-material/FileUpload';
import FeatureJobIcon from '@mui/icons-material/PlaylistPlay';
import FeatureServiceIcon from '@mui/icons-material/Inventory2';
import FeatureViewIcon from '@mui/icons-material/ViewColumn';
import TrainingIcon from '@mui/icons-material/Memory';
import WebhookIcon from '@mui/icons-material/Webhook';
import ModelIcon from '@mui/icons-material/ModelTraining';
import InteractionIcon from '@mui/icons-material/TouchApp';
import CandidateIcon from '@mui/icons-material/People';
import JobIcon from '@mui/icons-material/Work';
import ExperimentIcon from '@mui/icons-material/Science';
import SubscriptionIcon from '@mui/icons-material/NotificationsActive';
import DeliveryIcon from '@mui/icons-material/Outbox';
import OverviewIcon from '@mui/icons-material/Insights';
import RankingIcon from '@mui/icons-material/FormatListNumbered';
import FairnessIcon from '@mui/icons-material/Balance';
import SourcesIcon from '@mui/icons-material/RssFeed';
import { lazy, Suspense, type ReactNode } from 'react';
import { Admin, CustomRoutes, Layout, Loading, Menu, Resource, type RaRecord } from 'react-admin';
import { Route } from 'react-router-dom';
import { createGraphqlClient } from './api/graphql-client.js';
import { createAuthProvider } from './auth/auth-provider.js';
import { LoginPage } from './auth/LoginPage.js';
import { SessionStore } from './auth/session.js';
import { SessionKeeper, type CrossTabLock } from './auth/session-keeper.js';
import { createDataProvider } from './data/data-provider.js';
import { EvaluationCreate, EvaluationList, EvaluationShow } from './evaluations/evaluations.js';
import { FeatureJobList, FeatureServiceList, FeatureServiceShow, FeatureViewList, FeatureViewShow } from './features/features.js';
import { ImportList, ImportShow } from './imports/imports.js';
import { TrainingJobCreate, TrainingJobList, TrainingJobShow } from './training/training-jobs.js';
import { WebhookList, WebhookShow } from './webhooks/webhooks.js';
import { ModelList, ModelShow } from './models/models.js';
import { CandidateList, CandidateShow } from './resources/candidates.js';
import { InteractionList } from './resources/interactions.js';
import { JobList, JobShow } from './resources/jobs.js';
import { AlertDeliveryList, AlertDeliveryShow, AlertSubscriptionList, AlertSubscriptionShow } from './alerts/alerts.js';
import { ExperimentList, ExperimentShow } from './experiments/experiments.js';
import { ExperimentCreate } from './experiments/LaunchWizard.js';

// Tabs share the session in localStorage; the Web Locks API (where available) keeps two tabs from spending the same
// single-use refresh token at once.
const lock: CrossTabLock | undefined = typeof navigator !== 'undefined' && navigator.locks ? (name, fn) => navigator.locks.request(name, fn) : undefined;
const keeper = new SessionKeeper(new SessionStore(window.localStorage), createGraphqlClient({ url: '/graphql', getToken: () => null }), { lock });
const request = createGraphqlClient({ url: '/graphql', getToken: () => keeper.token(), renewToken: (rejected) => keeper.tokenAfterRejection(rejected) });
const dataProvider = createDataProvider(request);
const authProvider = createAuthProvider(request, keeper);

// The dashboard carries recharts: loaded on demand, in its own chunk.
const LazyDashboard = lazy(() => import('./dashboard/Dashboard.js'));
function Dashboard() {
  return (
    <Suspense fallback={<Loading />}>
      <LazyDashboard />
    </Suspense>
  );
}

// The comparison page carries recharts too.
const LazyComparePage = lazy(() => import('./evaluations/ComparePage.js'));
function ComparePage() {
  return (
    <Suspense fallback={<Loading />}>
      <LazyComparePage />
    </Suspense>
  );
}

// The product overview carries recharts too.
const LazyOverviewPage = lazy(() => import('./overview/OverviewPage.js'));
function OverviewPage() {
  return (
    <Suspense fallback={<Loading />}>
      <LazyOverviewPage />
    </Suspense>
  );
}

const LazyFairnessPage = lazy(() => import('./fairness/FairnessPage.js'));
function FairnessPage() {
  return (
    <Suspense fallback={<Loading />}>
      <LazyFairnessPage />
    </Suspense>
  );
}

const LazySourcesPage = lazy(() => import('./sources/SourcesPage.js'));
function SourcesPage() {
  return (
    <Suspense fallback={<Loading />}>
      <LazySourcesPage />
    </Suspense>
  );
}

const LazyRankingDebugPage = lazy(() => import('./ranking/RankingDebugPage.js'));
function RankingDebugPage() {
  return (
    <Suspense fallback={<Loading />}>
      <LazyRankingDebugPage />
    </Suspense>
  );
}

/** The default menu plus the product overview and the ranking debug view (custom routes, not resources). */
function AppMenu() {
  return (
    <Menu>
      <Menu.DashboardItem />
      <Menu.Item to="/overview" primaryText="Overview" leftIcon={<OverviewIcon />} />
      <Menu.ResourceItems />
      <Menu.Item to="/ranking-debug" primaryText="Ranking debug" leftIcon={<RankingIcon />} />
      <Menu.Item to="/fairness" primaryText="Fairness audits" leftIcon={<FairnessIcon />} />
      <Menu.Item to="/sources" primaryText="Job sources" leftIcon={<SourcesIcon />} />
    </Menu>
  );
}

function AppLayout({ children }: { children: ReactNode }) {
  return <Layout menu={AppMenu}>{children}</Layout>;
}

export function App() {
  return (
    <Admin
      title="Matchlab"
      dataProvider={dataProvider}
      authProvider={authProvider}
      loginPage={LoginPage}
      dashboard={Dashboard}
      layout={AppLayout}
      requireAuth
      disableTelemetry
    >
      <Resource name="jobs" list={JobList} show={JobShow} icon={JobIcon} recordRepresentation="title" />
      <Resource
        name="candidates"
        list={CandidateList}
        show={CandidateShow}
        icon={CandidateIcon}
        recordRepresentation={(c: RaRecord) => `#${c.id}${c['name'] ? ` ${c['name']}` : ''}`}
      />
      <Resource name="interactions" list={InteractionList} icon={InteractionIcon} />
      <Resource name="models" list={ModelList} show={ModelShow} icon={ModelIcon} recordRepresentation="name" />
      <Resource name="trainingJobs" options={{ label: 'Training jobs' }} list={TrainingJobList} show={TrainingJobShow} create={TrainingJobCreate} icon={TrainingIcon} />
      <Resource name="evaluations" list={EvaluationList} show={EvaluationShow} create={EvaluationCreate} icon={EvaluationIcon} recordRepresentation="modelRef" />
      <Resource name="featureViews" options={{ label: 'Feature views' }} list={FeatureViewList} show={FeatureViewShow} icon={FeatureViewIcon} recordRepresentation="name" />
      <Resource name="featureServices" options={{ label: 'Feature services' }} list={FeatureServiceList} show={FeatureServiceShow} icon={FeatureServiceIcon} recordRepresentation="name" />
      <Resource name="featureJobs" options={{ label: 'Feature jobs' }} list={FeatureJobList} icon={FeatureJobIcon} />
      <Resource name="imports" list={ImportList} show={ImportShow} icon={ImportIcon} recordRepresentation="sourceName" />
      <Resource name="experiments" list={ExperimentList} show={ExperimentShow} create={ExperimentCreate} icon={ExperimentIcon} recordRepresentation="key" />
      <Resource name="alertSubscriptions" options={{ label: 'Alert subscriptions' }} list={AlertSubscriptionList} show={AlertSubscriptionShow} icon={SubscriptionIcon} recordRepresentation={(s: RaRecord) => `#${s.id}`} />
      <Resource name="alertDeliveries" options={{ label: 'Alert deliveries' }} list={AlertDeliveryList} show={AlertDeliveryShow} icon={DeliveryIcon} recordRepresentation={(d: RaRecord) => `#${d.id}`} />
      <Resource name="webhooks" list={WebhookList} show={WebhookShow} icon={WebhookIcon} recordRepresentation="url" />
      <CustomRoutes>
        <Route path="/compare" element={<ComparePage />} />
        <Route path="/overview" element={<OverviewPage />} />
        <Route path="/ranking-debug" element={<RankingDebugPage />} />
        <Route path="/fairness" element={<FairnessPage />} />
        <Route path="/sources" element={<SourcesPage />} />
      </CustomRoutes>
    </Admin>
  );
}
