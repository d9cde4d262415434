import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { In, type DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { TtlCache } from '../common/ttl-cache.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { analysisJobOptions, QUEUES, type AnalysisPayload } from '../queue/queue.constants.js';
import { Video } from '../videos/video.entity.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { JobEventsService } from './job-events.service.js';
import { Job, type JobStatus } from './job.entity.js';

export interface JobListQuery {
  status?: JobStatus;
  limit: number;
  offset: number;
}

/** Reading and canceling jobs, always scoped to the caller's tenant (another tenant's job is a 404). */
@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);
  @Inject(TALLY_ENV) private readonly env!: TallyEnv;
  /**
   * Job reads for status polling, cached 250 ms per process: many clients polling a job cost one query
   * per quarter second. Live updates are what GET /v1/jobs/{id}/events is for.
   */
  private readonly recent = new TtlCache<Job>(250, 10_000);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QUEUES.analysis) private readonly queue: Queue<AnalysisPayload>,
    private readonly events: JobEventsService,
    private readonly webhooks: WebhooksService,
  ) {}

  /** `fresh`: skip the cache (when a stale answer would be wrong, e.g. the first state of an event stream). */
  async get(tenantId: string, id: string, fresh = false): Promise<Job> {
    const cached = fresh ? undefined : this.recent.get(id);
    if (cached) {
      if (cached.tenantId !== tenantId) throw new NotFoundError('job');
      return cached;
    }
    const job = await this.db.getRepository(Job).findOneBy({ id, tenantId });
    if (!job) throw new NotFoundError('job');
    this.recent.set(id, job);
    return job;
  }

  async list(tenantId: string, q: JobListQuery): Promise<{ items: Job[]; total: number }> {
    const [items, total] = await this.db.getRepository(Job).findAndCount({
      where: { tenantId, ...(q.status ? { status: q.status } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: q.limit,
      skip: q.offset,
    });
    return { items, total };
  }

  /** queued → removed from the queue; processing → the worker running it is told to abort. */
  async cancel(tenantId: string, id: string): Promise<Job> {
    const previous = await this.db.transaction(async (tx) => {
      const job = await tx.getRepository(Job).createQueryBuilder('j').setLock('pessimistic_write').where('j.id = :id AND j.tenant_id = :tenantId', { id, tenantId }).getOne();
      if (!job) throw new NotFoundError('job');
      if (job.status !== 'queued' && job.status !== 'processing') throw new ConflictError('not_cancelable', `the job is already ${job.status}`);
      await tx.getRepository(Job).update({ id, status: In(['queued', 'processing']) }, { status: 'canceled', finishedAt: new Date() });
      return job.status;
    });
    if (previous === 'queued') {
      // May fail if a worker just picked it up: the worker then sees "canceled" when it claims the job.
      await this.queue.getJob(id).then((j) => j?.remove()).catch((err: unknown) => this.logger.debug(`removing ${id}: ${String(err)}`));
    }
    await this.events.requestCancel(id);
    this.recent.delete(id);
    const job = await this.get(tenantId, id);
    await this.events.publish({ jobId: id, tenantId, status: job.status, progress: job.progress });
    await this.webhooks.enqueue(job);
    return job;
  }
  /**
   * failed → queued again (a staff action from the admin panel): a new deadline, error cleared, and a
   * fresh Bull job with the full number of attempts. Bull keeps failed jobs under the same id
   * (removeOnFail), so the old one is removed first, or add() would be a no-op.
   */
  async retry(tenantId: string, id: string): Promise<Job> {
    const priority = await this.db.transaction(async (tx) => {
      const job = await tx.getRepository(Job).createQueryBuilder('j').setLock('pessimistic_write').where('j.id = :id AND j.tenant_id = :tenantId', { id, tenantId }).getOne();
      if (!job) throw new NotFoundError('job');
      if (job.status !== 'failed') throw new ConflictError('not_retryable', `the job is ${job.status}: only a failed job can be retried`);
      const video = await tx.getRepository(Video).findOneBy({ id: job.videoId });
      if (!video || video.deletedAt) throw new ConflictError('video_deleted', 'the source video was deleted (retention period): the job cannot run again');
      await tx.getRepository(Job).update(
        { id },
        { status: 'queued', progress: 0, errorCode: null, errorMessage: null, startedAt: null, finishedAt: null, deadlineAt: new Date(Date.now() + this.env.jobDeadlineMinutes * 60_000) },
      );
      return job.priority;
    });
    try {
      await (await this.queue.getJob(id))?.remove();
      await this.queue.add({ jobId: id }, analysisJobOptions(this.env, id, priority));
    } catch (err) {
      await this.db.getRepository(Job).update({ id, status: 'queued' }, { status: 'failed', errorCode: 'queue_unavailable', errorMessage: 'the retry could not be queued', finishedAt: new Date() });
      throw err;
    }
    const job = await this.db.getRepository(Job).findOneByOrFail({ id });
    await this.events.publish({ jobId: id, tenantId, status: job.status, progress: job.progress });
    return job;
  }
}
