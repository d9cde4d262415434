// The admin dashboard: jobs of the last 24 h by status, queue depth, frames per second, jobs at risk of
// missing their deadline, top tenants, and live unit economics (cost per video-minute next to revenue).
// Data: the dashboard handler (DashboardService.data), refreshed every 15 s.
import React, { useEffect, useState } from 'react';
import { Badge, Box, H2, H5, Loader, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

const api = new ApiClient();
const REFRESH_MS = 15000;

const num = (value, digits = 0) => (value === null || value === undefined ? '–' : Number(value).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const usd = (value, digits = 2) => (value === null || value === undefined ? '–' : `$${num(value, digits)}`);
const pct = (value) => (value === null || value === undefined ? '–' : `${num(value, 1)} %`);

const Card = ({ title, children, testId }) => (
  <Box variant="card" flex flexDirection="column" mr="lg" mb="lg" p="lg" style={{ minWidth: 220, flex: 1 }} data-testid={testId}>
    <H5 mb="md">{title}</H5>
    {children}
  </Box>
);

const Stat = ({ label, value }) => (
  <Box flex justifyContent="space-between" mb="sm">
    <Text>{label}</Text>
    <Text fontWeight="bold">{value}</Text>
  </Box>
);

const STATUS_VARIANT = { succeeded: 'success', failed: 'danger', canceled: 'secondary', processing: 'info', queued: 'primary' };

const EconomicsTable = ({ economics }) => {
  const rows = [
    ['Jobs', (w) => num(w.jobs)],
    ['Video-minutes analysed', (w) => num(w.videoMinutes, 1)],
    ['Machine hours (inference + decode)', (w) => num(w.machineSeconds / 3600, 3)],
    ['Machine cost', (w) => usd(w.costUsd, 4)],
    ['Cost per video-minute', (w) => usd(w.costPerVideoMinute, 5)],
    ['Revenue (billing ledger)', (w) => usd(w.revenueUsd)],
    ['Margin', (w) => pct(w.marginPct)],
  ];
  return (
    <Table data-testid="economics">
      <TableHead>
        <TableRow>
          <TableCell />
          <TableCell>Last 24 h</TableCell>
          <TableCell>Last 30 days</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(([label, cell]) => (
          <TableRow key={label}>
            <TableCell>{label}</TableCell>
            <TableCell>{cell(economics.day)}</TableCell>
            <TableCell>{cell(economics.month)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

const Dashboard = () => {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let stopped = false;
    const load = () =>
      api
        .getDashboard()
        .then((response) => {
          if (!stopped) {
            setData(response.data);
            setError(null);
          }
        })
        .catch((err) => !stopped && setError(String(err && err.message)));
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  if (error && !data) return <MessageBox m="xl" message={`Dashboard: ${error}`} variant="danger" />;
  if (!data || !data.queue) return <Loader />;
  const statuses = ['queued', 'processing', 'succeeded', 'failed', 'canceled'];
  return (
    <Box p="xl" data-testid="tally-dashboard">
      <H2>Tally operations</H2>
      <Text mb="xl">As of {new Date(data.generatedAt).toLocaleString()} · deadline {data.deadlineMinutes} min per job</Text>
      <Box flex flexWrap="wrap">
        <Card title="Jobs, last 24 h" testId="jobs-by-status">
          {statuses.map((s) => (
            <Stat key={s} label={<Badge variant={STATUS_VARIANT[s]}>{s}</Badge>} value={num(data.jobsLast24hByStatus[s] || 0)} />
          ))}
        </Card>
        <Card title="Queue depth (analysis)" testId="queue-depth">
          <Stat label="Waiting" value={num(data.queue.waiting)} />
          <Stat label="Active" value={num(data.queue.active)} />
          <Stat label="Delayed (retry backoff)" value={num(data.queue.delayed)} />
          <Stat label="Failed (kept)" value={num(data.queue.failed)} />
        </Card>
        <Card title="Frames per second, last hour" testId="fps">
          <Stat label="Mean per job" value={num(data.fps.meanPerJobLastHour, 1)} />
          <Stat label="All jobs (frames / 3600 s)" value={num(data.fps.overallLastHour, 2)} />
          <Stat label="Frames analysed" value={num(data.fps.framesLastHour)} />
        </Card>
      </Box>

      <Box variant="card" p="lg" mb="lg" data-testid="at-risk">
        <H5 mb="md">Jobs at risk of missing the {data.deadlineMinutes}-minute deadline ({data.atRisk.length})</H5>
        {data.atRisk.length === 0 ? (
          <Text>None.</Text>
        ) : (
          <Table>
            <TableHead>
              <TableRow>
                <TableCell>Job</TableCell>
                <TableCell>Tenant</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Progress</TableCell>
                <TableCell>Minutes left</TableCell>
                <TableCell>Projected finish</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.atRisk.map((j) => (
                <TableRow key={j.id}>
                  <TableCell>
                    <a href={`/admin/resources/Job/records/${j.id}/show`}>{j.id.slice(0, 8)}</a>
                  </TableCell>
                  <TableCell>{j.tenantName}</TableCell>
                  <TableCell>{j.status}</TableCell>
                  <TableCell>{num(j.progress * 100)} %</TableCell>
                  <TableCell>{num(j.minutesLeft, 1)}</TableCell>
                  <TableCell>{j.projectedFinishAt ? new Date(j.projectedFinishAt).toLocaleTimeString() : '–'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>

      <Box flex flexWrap="wrap">
        <Box variant="card" p="lg" mr="lg" mb="lg" style={{ flex: 1, minWidth: 320 }} data-testid="top-tenants">
          <H5 mb="md">Top tenants by video-minutes, last 30 days</H5>
          <Table>
            <TableHead>
              <TableRow>
                <TableCell>Tenant</TableCell>
                <TableCell>Plan</TableCell>
                <TableCell>Jobs</TableCell>
                <TableCell>Video-minutes</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.topTenants.map((t) => (
                <TableRow key={t.tenantId}>
                  <TableCell>
                    <a href={`/admin/resources/Tenant/records/${t.tenantId}/show`}>{t.name}</a>
                  </TableCell>
                  <TableCell>{t.planId}</TableCell>
                  <TableCell>{num(t.jobs)}</TableCell>
                  <TableCell>{num(t.videoMinutes, 1)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
        <Box variant="card" p="lg" mb="lg" style={{ flex: 1, minWidth: 320 }}>
          <H5 mb="md">Unit economics at ${num(data.economics.machineHourlyUsd, 2)} per machine-hour</H5>
          <EconomicsTable economics={data.economics} />
        </Box>
      </Box>
    </Box>
  );
};

export default Dashboard;
