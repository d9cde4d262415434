import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EconomicsService } from '../../src/admin/economics.service.js';
import { createStaff, signIn, startAdminApp } from '../support/admin.js';
import type { TestApp } from '../support/app.js';

/**
 * Live unit economics (issue 8) against a hand computation. Machine price $3.60/h, so one busy second
 * costs $0.001. The pro plan: 1,000 included video-minutes a month, then 5 cents a minute.
 */
describe('unit economics: GET /v1/admin/economics and the dashboard', () => {
  let t: TestApp;
  let tenantId: string;

  beforeAll(async () => {
    t = await startAdminApp('admin_economics', { TALLY_MACHINE_HOURLY_USD: '3.6' });
    ({ tenantId } = await t.createTenant('Metered', 'pro'));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function job(status: string, finishedAt: Date, videoSec: number, inferenceMs: number, decodeMs: number, wallMs: number): Promise<void> {
    const videoId = randomUUID();
    await t.db.query(
      `INSERT INTO videos (id, tenant_id, storage_key, original_name, size_bytes, duration_sec, probe) VALUES ($1, $2, $3, 'v.mp4', 1000, $4, '{}')`,
      [videoId, tenantId, `tenants/${tenantId}/videos/${videoId}`, videoSec],
    );
    await t.db.query(
      `INSERT INTO jobs (tenant_id, video_id, status, deadline_at, created_at, started_at, finished_at, inference_ms, decode_ms, wall_ms, frames_analysed, fps)
       VALUES ($1, $2, $3, $4, $4, $4, $4, $5, $6, $7, 100, 10)`,
      [tenantId, videoId, status, finishedAt, inferenceMs, decodeMs, wallMs],
    );
  }
  async function ledger(seconds: number, at: Date): Promise<void> {
    if (seconds > 0) {
      await t.db.query(`INSERT INTO usage_ledger (tenant_id, kind, job_id, video_seconds, occurred_at) VALUES ($1, 'usage', $2, $3, $4)`, [tenantId, randomUUID(), seconds, at]);
    } else {
      await t.db.query(`INSERT INTO usage_ledger (tenant_id, kind, video_seconds, reason, issued_by, occurred_at) VALUES ($1, 'credit', $2, 'test', 'test', $3)`, [tenantId, seconds, at]);
    }
  }
  const clear = () => t.db.query(`DELETE FROM usage_ledger; DELETE FROM jobs; DELETE FROM videos`);

  it('matches a hand computation over windows that span two billing periods', async () => {
    await clear();
    const now = new Date('2026-11-15T12:00:00Z'); // day: from Nov 14 12:00; 30 days: from Oct 16 12:00
    // Jobs: in the day (30 s video, 6 + 3 busy s), in the month only (90 s video, 18 + 9 busy s), too old, and a failed one.
    await job('succeeded', new Date('2026-11-15T11:30:00Z'), 30, 6_000, 3_000, 10_000);
    await job('succeeded', new Date('2026-11-01T08:00:00Z'), 90, 18_000, 9_000, 30_000);
    await job('succeeded', new Date('2026-10-01T08:00:00Z'), 600, 100_000, 50_000, 200_000);
    await job('failed', new Date('2026-11-15T11:00:00Z'), 60, 1_000, 1_000, 5_000);
    // November: 60,000 s on Nov 10 (= the 1,000 included minutes), then 1,200 s and a 300 s credit within the day:
    // 60,900 s → 900 s over = 15 min × 5 c = 75 c, all earned within the day (without the day's rows: 60,000 s, 0 c).
    await ledger(60_000, new Date('2026-11-10T00:00:00Z'));
    await ledger(1_200, new Date('2026-11-15T11:00:00Z'));
    await ledger(-300, new Date('2026-11-15T11:30:00Z'));
    // October: 6,000 s on Oct 10 (before the 30 days) and 61,200 s on Oct 20 (within): 67,200 s → 7,200 s over =
    // 120 min × 5 c = 600 c; without the window's rows, 6,000 s → 0 c; so 600 c earned within the 30 days.
    await ledger(6_000, new Date('2026-10-10T00:00:00Z'));
    await ledger(61_200, new Date('2026-10-20T00:00:00Z'));

    const e = await t.app.get(EconomicsService).live(now);
    expect(e.machineHourlyUsd).toBe(3.6);
    // Day: 9 busy s × $0.001 = $0.009; 0.5 video-min → $0.018 per video-minute; revenue $0.75; margin (0.75 − 0.009) / 0.75 = 98.8 %.
    expect(e.day).toMatchObject({ jobs: 1, machineSeconds: 9, videoMinutes: 0.5, revenueUsd: 0.75 });
    expect(e.day.costUsd).toBeCloseTo(0.009, 10);
    expect(e.day.costPerVideoMinute).toBeCloseTo(0.018, 10);
    expect(e.day.marginPct).toBeCloseTo(98.8, 8);
    // 30 days: 9 + 27 = 36 busy s → $0.036; 2 video-min → $0.018; revenue 75 + 600 c = $6.75; margin (6.75 − 0.036) / 6.75 = 99.4666… %.
    expect(e.month).toMatchObject({ jobs: 2, machineSeconds: 36, videoMinutes: 2, revenueUsd: 6.75 });
    expect(e.month.costUsd).toBeCloseTo(0.036, 10);
    expect(e.month.costPerVideoMinute).toBeCloseTo(0.018, 10);
    expect(e.month.marginPct).toBeCloseTo(((6.75 - 0.036) / 6.75) * 100, 8);
  });

  it('serves the same numbers at /v1/admin/economics and on the dashboard, for a support session', async () => {
    await clear();
    const recent = new Date(Date.now() - 30 * 60_000);
    await job('succeeded', recent, 30, 6_000, 3_000, 10_000);
    await job('succeeded', recent, 90, 18_000, 9_000, 30_000);
    await job('succeeded', new Date(Date.now() - 3 * 24 * 3600_000), 60, 12_000, 6_000, 20_000);
    // 61,200 s of usage and a 600 s credit half an hour ago: 60,600 s → 600 s over the 60,000 included → 10 min × 5 c = 50 c.
    await ledger(61_200, recent);
    await ledger(-600, recent);
    const staff = await createStaff(t.db, 'support');
    const agent = await signIn(t.app, staff);
    const res = await agent.get('/v1/admin/economics').expect(200);
    // Day: 36 busy s → $0.036, 2 video-min → $0.018/min, revenue $0.50, margin (0.5 − 0.036) / 0.5 = 92.8 %.
    expect(res.body.day).toMatchObject({ jobs: 2, machineSeconds: 36, videoMinutes: 2, revenueUsd: 0.5 });
    expect(res.body.day.costUsd).toBeCloseTo(0.036, 10);
    expect(res.body.day.costPerVideoMinute).toBeCloseTo(0.018, 10);
    expect(res.body.day.marginPct).toBeCloseTo(92.8, 8);
    // 30 days: + 18 busy s and 1 video-min → 54 s, $0.054, 3 min, $0.018/min; revenue $0.50; margin 89.2 %.
    expect(res.body.month).toMatchObject({ jobs: 3, machineSeconds: 54, videoMinutes: 3, revenueUsd: 0.5 });
    expect(res.body.month.costUsd).toBeCloseTo(0.054, 10);
    expect(res.body.month.marginPct).toBeCloseTo(89.2, 8);

    const dashboard = await agent.get('/admin/api/dashboard').expect(200);
    expect(dashboard.body.economics.day).toEqual({ ...res.body.day, from: expect.any(String), to: expect.any(String) });
    expect(dashboard.body.jobsLast24hByStatus).toEqual({ succeeded: 2 });
    expect(dashboard.body.topTenants[0]).toMatchObject({ tenantId, name: 'Metered', jobs: 3, videoMinutes: 3 });
    expect(dashboard.body.fps.framesLastHour).toBe(200);
    expect(dashboard.body.queue).toMatchObject({ waiting: 0, active: 0 });
  });

  it('lists jobs at risk of missing their deadline on the dashboard', async () => {
    await clear();
    const videoId = randomUUID();
    await t.db.query(`INSERT INTO videos (id, tenant_id, storage_key, original_name, size_bytes, duration_sec, probe) VALUES ($1, $2, 'k', 'v.mp4', 1, 30, '{}')`, [videoId, tenantId]);
    const soon = new Date(Date.now() + 2 * 60_000); // 2 minutes left: at risk
    const later = new Date(Date.now() + 19 * 60_000); // queued, 19 minutes left: fine
    const [{ id: risky }] = (await t.db.query(`INSERT INTO jobs (tenant_id, video_id, status, deadline_at) VALUES ($1, $2, 'queued', $3) RETURNING id`, [tenantId, videoId, soon])) as { id: string }[];
    await t.db.query(`INSERT INTO jobs (tenant_id, video_id, status, deadline_at) VALUES ($1, $2, 'queued', $3)`, [tenantId, videoId, later]);
    // Running for 10 minutes at 20 %: projected to finish 40 minutes after now, past its deadline in 10.
    const [{ id: slow }] = (await t.db.query(
      `INSERT INTO jobs (tenant_id, video_id, status, progress, started_at, deadline_at) VALUES ($1, $2, 'processing', 0.2, now() - interval '10 minutes', now() + interval '10 minutes') RETURNING id`,
      [tenantId, videoId],
    )) as { id: string }[];
    const agent = await signIn(t.app, await createStaff(t.db, 'support'));
    const dashboard = await agent.get('/admin/api/dashboard').expect(200);
    expect(dashboard.body.atRisk.map((j: { id: string }) => j.id).sort()).toEqual([risky, slow].sort());
  });
});
