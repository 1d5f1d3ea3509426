import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, Title, useDataProvider, useGetList } from 'react-admin';
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MatchlabDataProvider } from '../data/data-provider.js';
import { compactCount, seniorityBars, seniorityFilters } from './chart-data.js';

const ACTIVE = { status: ['active'] };

function StatCard({ title, value, hint, to, error }: { title: string; value?: number; hint?: ReactNode; to: string; error?: Error | null }) {
  return (
    <Card variant="outlined" sx={{ flex: '1 1 200px' }}>
      <CardContent>
        <Typography variant="subtitle2" color="text.secondary">
          <Link to={to}>{title}</Link>
        </Typography>
        {error ? (
          <Typography color="error" variant="body2">
            {error.message}
          </Typography>
        ) : value === undefined ? (
          <CircularProgress size={24} sx={{ mt: 1 }} />
        ) : (
          <Typography variant="h4" component="p" data-testid={`stat-${to.replace('/', '')}`} title={value.toLocaleString('en-US')}>
            {compactCount(value)}
          </Typography>
        )}
        {hint && (
          <Typography variant="caption" color="text.secondary">
            {hint}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

function useTotal(resource: string) {
  const { total, error } = useGetList(resource, { pagination: { page: 1, perPage: 1 }, meta: { countOnly: true } });
  return { total, error: error as Error | null };
}

export default function Dashboard() {
  const dataProvider = useDataProvider<MatchlabDataProvider>();
  const jobs = useQuery({
    queryKey: ['jobs', 'countMany', 'dashboard'],
    queryFn: () => dataProvider.countMany('jobs', [{}, ACTIVE, ...seniorityFilters(ACTIVE)]),
  });
  const candidates = useTotal('candidates');
  const interactions = useTotal('interactions');
  const [allJobs, activeJobs, ...bySeniority] = jobs.data ?? [];
  const bars = jobs.data && activeJobs !== undefined ? seniorityBars(bySeniority, activeJobs) : undefined;

  return (
    <Box sx={{ mt: 2 }}>
      <Title title="Matchlab" />
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', mb: 2 }}>
        <StatCard title="Job postings" value={allJobs} to="/jobs" error={jobs.error} hint={activeJobs !== undefined ? `${activeJobs.toLocaleString('en-US')} active` : undefined} />
        <StatCard title="Candidates" value={candidates.total} to="/candidates" error={candidates.error} />
        <StatCard title="Interactions" value={interactions.total} to="/interactions" error={interactions.error} />
      </Box>
      <Card variant="outlined">
        <CardContent>
          <Typography variant="h6" gutterBottom>
            Active jobs by seniority
          </Typography>
          {jobs.error ? (
            <Alert severity="error">{jobs.error.message}</Alert>
          ) : !bars ? (
            <Box sx={{ height: 280, display: 'grid', placeItems: 'center' }}>
              <CircularProgress />
            </Box>
          ) : activeJobs === 0 ? (
            <Typography color="text.secondary" sx={{ py: 4 }}>
              No active jobs yet.
            </Typography>
          ) : (
            <Box sx={{ height: 280 }} data-testid="seniority-chart">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={bars} margin={{ top: 20, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="label" />
                  <YAxis allowDecimals={false} />
                  <Tooltip formatter={(value) => [Number(value).toLocaleString('en-US'), 'Jobs']} />
                  <Bar dataKey="count" fill="#1976d2" isAnimationActive={false}>
                    <LabelList dataKey="count" position="top" />
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </Box>
          )}
        </CardContent>
      </Card>
    </Box>
  );
}
