import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { InputError } from '../analysis/errors.js';
import type { Report } from '../analysis/report.types.js';
import { OBJECT_STORAGE, ObjectNotFoundError, type ObjectStorage } from '../storage/storage.js';
import { Video } from '../videos/video.entity.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { ReportRecord } from '../reports/report.entity.js';
import { ANALYSIS_ENGINE, type AnalysisEngine } from './analysis-engine.js';
import { JobEventsService } from './job-events.service.js';
import { JobLifecycle } from './job-lifecycle.js';
import { Job } from './job.entity.js';
import { JobMetrics } from './job-metrics.js';

/** Why a run was aborted: the tenant canceled it, or this worker is stopping and hands it back. */
export type AbortReason = 'canceled' | 'shutdown';

/** The job must not be retried (bad input, missing video): Bull discards it. */
export class PermanentJobError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export interface RunContext {
  /** Attempts Bull made before this one. */
  attemptsMade: number;
  maxAttempts: number;
  signal: AbortSignal;
}

export type RunOutcome = 'succeeded' | 'skipped' | 'canceled';

const PROGRESS_INTERVAL_MS = 1000;

/**
 * Runs one analysis job: claim it, analyse the stored video, store the report and mark it succeeded
 * in one transaction. Idempotent: a job already finished (or canceled) is not run again.
 * Errors: InputError and a missing video → PermanentJobError; anything else is rethrown for Bull to retry.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);
  readonly workerId = `${hostname()}:${process.pid}`;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(ANALYSIS_ENGINE) private readonly engine: AnalysisEngine,
    private readonly events: JobEventsService,
    private readonly lifecycle: JobLifecycle,
    private readonly metrics: JobMetrics,
    private readonly webhooks: WebhooksService,
  ) {}

  async run(jobId: string, ctx: RunContext): Promise<RunOutcome> {
    const job = await this.claim(jobId);
    if (!job) return 'skipped';
    await this.publish(job);
    try {
      const video = await this.db.getRepository(Video).findOneByOrFail({ id: job.videoId });
      if (video.deletedAt) throw new PermanentJobError('video_deleted', 'the source video was deleted before it could be analysed');
      const analyzer = await this.engine.analyzer();
      const copy = await this.storage.localCopy(video.storageKey);
      let report: Report;
      try {
        report = await analyzer.analyze(copy.path, { ...job.options, signal: ctx.signal, onProgress: this.progressReporter(job) });
      } finally {
        await copy.release();
      }
      if (await this.complete(job, report)) {
        this.metrics.finished(job, 'succeeded', report.timings.fps);
        await this.webhooks.enqueue(job);
        return 'succeeded';
      }
      return 'canceled';
    } catch (err) {
      return this.handleFailure(job, err, ctx);
    }
  }

  /** queued|processing → processing, attempts + 1. Null when the job is gone or already final. */
  private async claim(jobId: string): Promise<Job | null> {
    const rows = (await this.db.query(
      `UPDATE jobs SET status = 'processing', attempts = attempts + 1, worker_id = $2, progress = 0,
              started_at = coalesce(started_at, now()), error_code = NULL, error_message = NULL
        WHERE id = $1 AND status IN ('queued', 'processing') RETURNING id`,
      [jobId, this.workerId],
    )) as [{ id: string }[], number];
    if (rows[0].length === 0) return null;
    return this.db.getRepository(Job).findOneByOrFail({ id: jobId });
  }

  private progressReporter(job: Job): (p: { fraction: number }) => void {
    let last = 0;
    return ({ fraction }) => {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS || fraction >= 1) return;
      last = now;
      job.progress = fraction;
      void this.db
        .getRepository(Job)
        .update({ id: job.id, status: 'processing' }, { progress: fraction })
        .then(() => this.publish(job))
        .catch((err: unknown) => this.logger.warn(`progress of ${job.id}: ${String(err)}`));
    };
  }

  /** Report + succeeded in one transaction; false when the job was canceled meanwhile. */
  private async complete(job: Job, report: Report): Promise<boolean> {
    const done = await this.db.transaction(async (tx) => {
      const finishedAt = new Date();
      const t = report.timings;
      const updated = await tx.getRepository(Job).update(
        { id: job.id, status: 'processing' },
        {
          status: 'succeeded',
          progress: 1,
          finishedAt,
          decodeMs: Math.round(t.decodeMs),
          inferenceMs: Math.round(t.inferenceMs),
          wallMs: Math.round(t.wallMs),
          framesAnalysed: report.analysis.framesAnalysed,
          fps: t.fps,
        },
      );
      if (!updated.affected) return false;
      await tx
        .createQueryBuilder()
        .insert()
        .into(ReportRecord)
        .values({ jobId: job.id, tenantId: job.tenantId, report, counts: report.counts, objectsTotal: report.objects.length })
        .orIgnore()
        .execute();
      Object.assign(job, { status: 'succeeded', progress: 1, finishedAt, framesAnalysed: report.analysis.framesAnalysed });
      await this.lifecycle.runSucceeded(tx, job, report);
      return true;
    });
    if (done) await this.publish(job, report.counts); // a job list shows the counts without asking again
    return done;
  }

  private async handleFailure(job: Job, err: unknown, ctx: RunContext): Promise<RunOutcome> {
    const reason = ctx.signal.aborted ? (ctx.signal.reason as AbortReason) : undefined;
    if (reason === 'canceled') return 'canceled'; // the cancel endpoint already wrote the status
    if (reason === 'shutdown') {
      await this.setStatus(job, 'queued', null, null);
      throw new Error('worker shutting down: job handed back to the queue');
    }
    if (err instanceof InputError || err instanceof PermanentJobError || err instanceof ObjectNotFoundError) {
      const code = err instanceof ObjectNotFoundError ? 'video_missing' : err.code;
      const message = err instanceof ObjectNotFoundError ? 'the source video is missing from storage' : err.message;
      await this.setStatus(job, 'failed', code, message);
      this.metrics.finished(job, 'failed');
      await this.webhooks.enqueue(job);
      throw new PermanentJobError(code, message);
    }
    const message = err instanceof Error ? err.message : String(err);
    const last = ctx.attemptsMade + 1 >= ctx.maxAttempts;
    this.logger.warn(`job ${job.id} attempt ${ctx.attemptsMade + 1}/${ctx.maxAttempts} failed: ${message}`);
    await this.setStatus(job, last ? 'failed' : 'queued', 'analysis_failed', `analysis failed: ${message}`);
    if (last) {
      this.metrics.finished(job, 'failed');
      await this.webhooks.enqueue(job);
    }
    throw err;
  }

  /** Bull gave up on a job whose workers kept dying (stalled too often). */
  async failStalled(jobId: string): Promise<void> {
    const job = await this.db.getRepository(Job).findOneBy({ id: jobId });
    if (!job || (job.status !== 'processing' && job.status !== 'queued')) return;
    job.status = 'processing';
    await this.db.getRepository(Job).update({ id: jobId }, { status: 'processing' });
    await this.setStatus(job, 'failed', 'worker_lost', 'the worker running this job stopped responding too many times');
    await this.webhooks.enqueue(job);
  }

  /** Writes a non-success status unless the job is already final (e.g. canceled). */
  async setStatus(job: Job, status: 'queued' | 'failed', errorCode: string | null, errorMessage: string | null): Promise<void> {
    const finishedAt = status === 'failed' ? new Date() : null;
    const result = await this.db
      .getRepository(Job)
      .update({ id: job.id, status: 'processing' }, { status, errorCode, errorMessage, finishedAt, ...(status === 'queued' ? { progress: 0 } : {}) });
    if (result.affected) {
      Object.assign(job, { status, errorCode, errorMessage, finishedAt });
      await this.publish(job);
    }
  }

  private async publish(job: Job, counts?: Record<string, number>): Promise<void> {
    await this.events
      .publish({ jobId: job.id, tenantId: job.tenantId, status: job.status, progress: job.progress, errorCode: job.errorCode, errorMessage: job.errorMessage, ...(counts ? { counts } : {}) })
      .catch((err: unknown) => this.logger.warn(`publishing event of ${job.id}: ${String(err)}`));
  }
}
