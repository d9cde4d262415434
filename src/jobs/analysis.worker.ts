import { InjectQueue } from '@nestjs/bull';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job as BullJob, Queue } from 'bull';
import type { Subscription } from 'rxjs';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { QUEUES, type AnalysisPayload } from '../queue/queue.constants.js';
import { ANALYSIS_ENGINE, type AnalysisEngine } from './analysis-engine.js';
import { JobEventsService } from './job-events.service.js';
import { JobRunner, PermanentJobError, type AbortReason } from './job-runner.service.js';

export const runsWorker = (env: Pick<TallyEnv, 'role'>): boolean => env.role === 'worker' || env.role === 'all';

/**
 * Consumes the `analysis` queue when TALLY_ROLE is worker or all, TALLY_WORKER_CONCURRENCY jobs at a time.
 * Stopping (SIGTERM): take no new jobs, give running ones TALLY_SHUTDOWN_GRACE_SECONDS to finish,
 * then abort them and hand them back to the queue. A killed worker's jobs come back through Bull's
 * stalled-job check once their lock (TALLY_JOB_LOCK_SECONDS) expires.
 */
@Injectable()
export class AnalysisWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AnalysisWorker.name);
  private readonly running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  private cancelSubscription?: Subscription;
  private started = false;

  constructor(
    @InjectQueue(QUEUES.analysis) private readonly queue: Queue<AnalysisPayload>,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    @Inject(ANALYSIS_ENGINE) private readonly engine: AnalysisEngine,
    private readonly runner: JobRunner,
    private readonly events: JobEventsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorker(this.env)) return;
    await this.engine.analyzer(); // load the model before taking jobs (and report it in /readyz)
    this.cancelSubscription = (await this.events.cancelRequests()).subscribe((jobId) => this.running.get(jobId)?.controller.abort('canceled' satisfies AbortReason));
    this.queue.on('failed', (job: BullJob<AnalysisPayload>, err: Error) => {
      // Bull fails a job on its own after too many stalls; make sure the row does not stay "processing".
      if (/stalled more than allowable limit/.test(err.message)) void this.runner.failStalled(job.data.jobId);
    });
    void this.queue.process(this.env.workerConcurrency, (job) => this.handle(job));
    this.started = true;
    this.logger.log(`analysis worker ${this.runner.workerId} started, concurrency ${this.env.workerConcurrency}`);
  }

  private async handle(bullJob: BullJob<AnalysisPayload>): Promise<string> {
    const { jobId } = bullJob.data;
    const controller = new AbortController();
    const done = this.runner.run(jobId, {
      attemptsMade: bullJob.attemptsMade,
      maxAttempts: bullJob.opts.attempts ?? 1,
      signal: controller.signal,
    });
    this.running.set(jobId, { controller, done: done.catch(() => undefined) });
    try {
      return await done;
    } catch (err) {
      if (err instanceof PermanentJobError) await bullJob.discard();
      throw err;
    } finally {
      this.running.delete(jobId);
    }
  }

  /** Runs before Nest closes the queues and the database. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.cancelSubscription?.unsubscribe();
    await this.queue.pause(true, true).catch(() => undefined); // this process takes no new jobs
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    const graceMs = this.env.shutdownGraceSeconds * 1000;
    const finished = await Promise.race([all().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
    if (!finished) {
      this.logger.warn(`handing back ${this.running.size} running job(s) on shutdown`);
      for (const r of this.running.values()) r.controller.abort('shutdown' satisfies AbortReason);
      await all();
    }
  }
}
