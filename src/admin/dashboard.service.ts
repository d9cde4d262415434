import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { QUEUES, type AnalysisPayload } from '../queue/queue.constants.js';
import { EconomicsService, type LiveEconomics } from './economics.service.js';

/** A job is at risk when it is not finished and its deadline is this close (or its projection passes it). */
export const AT_RISK_MARGIN_MS = 5 * 60 * 1000;

export interface AtRiskJob {
  id: string;
  tenantId: string;
  tenantName: string;
  status: string;
  progress: number;
  deadlineAt: string;
  /** Negative once the deadline has passed. */
  minutesLeft: number;
  /** When a running job should finish at its current pace; null while queued. */
  projectedFinishAt: string | null;
}

export interface DashboardData {
  generatedAt: string;
  deadlineMinutes: number;
  jobsLast24hByStatus: Record<string, number>;
  queue: { waiting: number; active: number; delayed: number; failed: number; completed: number; paused: number };
  /** Frames analysed per second: succeeded jobs of the last hour (mean per job), and all of them together over the hour. */
  fps: { meanPerJobLastHour: number | null; framesLastHour: number; overallLastHour: number };
  atRisk: AtRiskJob[];
  topTenants: { tenantId: string; name: string; planId: string; jobs: number; videoMinutes: number }[];
  economics: LiveEconomics;
}

/**
 * Whether an unfinished job is at risk of missing its deadline: less than AT_RISK_MARGIN_MS left, or,
 * for a running job, its pace so far (elapsed / progress) projects a finish after the deadline. Pure.
 */
export function atRisk(job: { status: string; progress: number; startedAt: Date | null; deadlineAt: Date }, now: Date): { risky: boolean; projectedFinishAt: Date | null } {
  const left = job.deadlineAt.getTime() - now.getTime();
  let projectedFinishAt: Date | null = null;
  if (job.status === 'processing' && job.startedAt && job.progress > 0.02) {
    const elapsed = now.getTime() - job.startedAt.getTime();
    projectedFinishAt = new Date(job.startedAt.getTime() + elapsed / job.progress);
  }
  const risky = left < AT_RISK_MARGIN_MS || (projectedFinishAt !== null && projectedFinishAt > job.deadlineAt);
  return { risky, projectedFinishAt };
}

/** What the admin dashboard shows; one call, a handful of indexed queries and Bull's counters. */
@Injectable()
export class DashboardService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QUEUES.analysis) private readonly queue: Queue<AnalysisPayload>,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly economics: EconomicsService,
  ) {}

  async data(now = new Date()): Promise<DashboardData> {
    const byStatus = (await this.db.query(`SELECT status, count(*)::int AS n FROM jobs WHERE created_at >= $1 GROUP BY status`, [
      new Date(now.getTime() - 24 * 3600_000),
    ])) as { status: string; n: number }[];
    const counts = await this.queue.getJobCounts();
    const paused = await this.queue.getPausedCount?.().catch(() => 0);
    const [fpsRow] = (await this.db.query(
      `SELECT avg(fps)::float AS mean, coalesce(sum(frames_analysed), 0)::bigint AS frames
         FROM jobs WHERE status = 'succeeded' AND finished_at >= $1`,
      [new Date(now.getTime() - 3600_000)],
    )) as { mean: number | null; frames: string }[];
    const active = (await this.db.query(
      `SELECT j.id, j.tenant_id, t.name, j.status, j.progress, j.started_at, j.deadline_at
         FROM jobs j JOIN tenants t ON t.id = j.tenant_id
        WHERE j.status IN ('queued', 'processing') ORDER BY j.deadline_at LIMIT 500`,
    )) as { id: string; tenant_id: string; name: string; status: string; progress: number; started_at: Date | null; deadline_at: Date }[];
    const atRiskJobs: AtRiskJob[] = [];
    for (const j of active) {
      const { risky, projectedFinishAt } = atRisk({ status: j.status, progress: j.progress, startedAt: j.started_at, deadlineAt: j.deadline_at }, now);
      if (!risky) continue;
      atRiskJobs.push({
        id: j.id,
        tenantId: j.tenant_id,
        tenantName: j.name,
        status: j.status,
        progress: j.progress,
        deadlineAt: j.deadline_at.toISOString(),
        minutesLeft: Math.round((j.deadline_at.getTime() - now.getTime()) / 6000) / 10,
        projectedFinishAt: projectedFinishAt?.toISOString() ?? null,
      });
    }
    const top = (await this.db.query(
      `SELECT t.id, t.name, t.plan_id, count(*)::int AS jobs, coalesce(sum(v.duration_sec), 0) / 60 AS minutes
         FROM jobs j JOIN videos v ON v.id = j.video_id JOIN tenants t ON t.id = j.tenant_id
        WHERE j.status = 'succeeded' AND j.finished_at >= $1
        GROUP BY t.id ORDER BY minutes DESC LIMIT 10`,
      [new Date(now.getTime() - 30 * 24 * 3600_000)],
    )) as { id: string; name: string; plan_id: string; jobs: number; minutes: number }[];
    const frames = Number(fpsRow.frames);
    return {
      generatedAt: now.toISOString(),
      deadlineMinutes: this.env.jobDeadlineMinutes,
      jobsLast24hByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
      queue: { waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.failed, completed: counts.completed, paused: paused ?? 0 },
      fps: { meanPerJobLastHour: fpsRow.mean === null ? null : Number(fpsRow.mean), framesLastHour: frames, overallLastHour: frames / 3600 },
      atRisk: atRiskJobs,
      topTenants: top.map((r) => ({ tenantId: r.id, name: r.name, planId: r.plan_id, jobs: r.jobs, videoMinutes: Number(r.minutes) })),
      economics: await this.economics.live(now),
    };
  }
}
