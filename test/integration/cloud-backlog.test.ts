/**
 * The analysis backlog written to Cloud Monitoring for the GPU worker pool's autoscaler, through the real
 * @google-cloud/monitoring client (REST) against a small fake: what is written, by one process per interval,
 * and that a failed write is counted and retried at the next interval instead of breaking anything.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Redis } from 'ioredis';
import { BACKLOG_METRIC, CloudBacklogExporter } from '../../src/metrics/cloud-backlog-exporter.js';
import { REDIS } from '../../src/redis/redis.module.js';
import { startTestApp, waitFor, type TestApp } from '../support/app.js';
import { startFakeMonitoring, type FakeMonitoring } from '../support/fake-monitoring.js';
import { sharedVideo } from '../support/paths.js';

const PROJECT = 'tally-test-123';
let t: TestApp;
let monitoring: FakeMonitoring;

beforeAll(async () => {
  monitoring = await startFakeMonitoring();
  // API role: no worker, so uploaded jobs stay in the backlog. A long interval: the test drives the writes.
  t = await startTestApp('cloud_backlog', {
    TALLY_ROLE: 'api',
    TALLY_CLOUD_METRICS_PROJECT: PROJECT,
    TALLY_CLOUD_MONITORING_ENDPOINT: monitoring.url,
    TALLY_CLOUD_METRICS_INTERVAL_SECONDS: '3600',
  });
});
afterAll(async () => {
  await t?.close();
  await monitoring?.close();
});

it('writes the backlog at start, then what waits, as a global series of the project', async () => {
  await waitFor(async () => (monitoring.writes.length >= 1 ? true : undefined), 10_000); // the write at start
  const first = monitoring.writes[0];
  expect(first.path).toBe(`/v3/projects/${PROJECT}/timeSeries`);
  expect(first.authorization).toBe('Bearer emulator');
  expect(first.body.timeSeries[0]).toMatchObject({
    metric: { type: BACKLOG_METRIC, labels: { queue: t.env.queuePrefix } },
    resource: { type: 'global', labels: { project_id: PROJECT } },
    points: [{ value: { int64Value: '0' } }],
  });

  const { apiKey } = await t.createTenant('Busy');
  for (let i = 0; i < 2; i++) await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${apiKey}`).attach('file', sharedVideo('bus-pan-720p120-3s.mp4')).expect(202);
  const exporter = t.app.get(CloudBacklogExporter);
  expect(await exporter.exportOnce()).toBe(2);
  expect(monitoring.writes.at(-1)?.body.timeSeries[0]).toMatchObject({ points: [{ value: { int64Value: '2' } }] });
});

it('one process writes per interval (a Redis turn); a failed write is counted, not thrown', async () => {
  const exporter = t.app.get(CloudBacklogExporter);
  const before = monitoring.writes.length;
  expect(await exporter.tick()).toBe(false); // the start-up write holds this interval's turn
  expect(monitoring.writes.length).toBe(before);
  await t.app.get<Redis>(REDIS).del(`${t.env.queuePrefix}:cloud-metrics-turn`); // the next interval
  monitoring.failNext(1);
  expect(await exporter.tick()).toBe(false);
  const metrics = await request(t.server).get('/metrics').expect(200);
  expect(metrics.text).toMatch(/tally_cloud_metric_exports_total\{result="error"\} 1/);
  expect(metrics.text).toMatch(/tally_cloud_metric_exports_total\{result="ok"\} 2/);
});
