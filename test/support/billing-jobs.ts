import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Report } from '../../src/analysis/report.types.js';
import { JobLifecycle } from '../../src/jobs/job-lifecycle.js';
import { Job } from '../../src/jobs/job.entity.js';

/** The parts of a report the ledger reads. */
export function fakeReport(framesAnalysed = 90, inferenceMs = 1500, decodeMs = 400): Pick<Report, 'analysis' | 'timings'> & Report {
  return { analysis: { framesAnalysed }, timings: { inferenceMs, decodeMs, wallMs: 2000, trackingMs: 10, fps: 45 } } as unknown as Report;
}

/** A stored video and its job, processing (as a worker has claimed it), without running the pipeline. */
export async function insertProcessingJob(db: DataSource, tenantId: string, durationSec: number): Promise<Job> {
  const videoId = randomUUID();
  await db.query(
    `INSERT INTO videos (id, tenant_id, storage_key, original_name, size_bytes, duration_sec, probe) VALUES ($1, $2, $3, 'v.mp4', 1000, $4, '{}')`,
    [videoId, tenantId, `tenants/${tenantId}/videos/${videoId}`, durationSec],
  );
  const [row] = (await db.query(
    `INSERT INTO jobs (tenant_id, video_id, status, attempts, deadline_at, started_at) VALUES ($1, $2, 'processing', 1, now() + interval '20 minutes', now()) RETURNING id`,
    [tenantId, videoId],
  )) as { id: string }[];
  return db.getRepository(Job).findOneByOrFail({ id: row.id });
}

/**
 * What JobRunner.complete does around the ledger: processing → succeeded and the success hooks, in one
 * transaction; a job no longer processing is left alone (false).
 */
export async function completeJob(app: INestApplication, db: DataSource, job: Job, report = fakeReport()): Promise<boolean> {
  const lifecycle = app.get(JobLifecycle);
  return db.transaction(async (tx) => {
    const finishedAt = new Date();
    const updated = await tx.getRepository(Job).update({ id: job.id, status: 'processing' }, { status: 'succeeded', progress: 1, finishedAt });
    if (!updated.affected) return false;
    await lifecycle.runSucceeded(tx, Object.assign(job, { status: 'succeeded', finishedAt }), report);
    return true;
  });
}

/** A processing job of `durationSec`, completed. */
export async function succeededJob(app: INestApplication, db: DataSource, tenantId: string, durationSec: number): Promise<Job> {
  const job = await insertProcessingJob(db, tenantId, durationSec);
  await completeJob(app, db, job);
  return job;
}
