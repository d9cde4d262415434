import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { filter, Observable, Subject } from 'rxjs';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { REDIS, REDIS_FACTORY, type RedisFactory } from '../redis/redis.module.js';
import type { JobStatus } from './job.entity.js';

/** A job's progress or status change, fanned out to every API process (SSE) through Redis pub/sub. */
export interface JobEvent {
  jobId: string;
  tenantId: string;
  status: JobStatus;
  progress: number;
  errorCode?: string | null;
  errorMessage?: string | null;
  /** With `succeeded`: the report's counts per class. */
  counts?: Record<string, number>;
}

/**
 * Redis pub/sub for job events (worker → API processes) and cancel requests (API → workers).
 * One subscriber connection per process, opened on first use.
 */
@Injectable()
export class JobEventsService implements OnApplicationShutdown {
  private readonly eventsChannel: string;
  private readonly cancelChannel: string;
  private subscriber?: Redis;
  private readonly events = new Subject<JobEvent>();
  private readonly cancels = new Subject<string>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_FACTORY) private readonly connect: RedisFactory,
    @Inject(TALLY_ENV) env: TallyEnv,
  ) {
    this.eventsChannel = `${env.queuePrefix}:job-events`;
    this.cancelChannel = `${env.queuePrefix}:job-cancel`;
  }

  async publish(event: JobEvent): Promise<void> {
    await this.redis.publish(this.eventsChannel, JSON.stringify(event));
  }

  async requestCancel(jobId: string): Promise<void> {
    await this.redis.publish(this.cancelChannel, jobId);
  }

  /** Events of one job, from now on. */
  async eventsOf(jobId: string): Promise<Observable<JobEvent>> {
    await this.ensureSubscribed();
    return this.events.pipe(filter((e) => e.jobId === jobId));
  }

  /** Events of every job of one tenant, from now on (the portal's job list). */
  async eventsOfTenant(tenantId: string): Promise<Observable<JobEvent>> {
    await this.ensureSubscribed();
    return this.events.pipe(filter((e) => e.tenantId === tenantId));
  }

  /** Cancel requests for any job (workers match them against what they run). */
  async cancelRequests(): Promise<Observable<string>> {
    await this.ensureSubscribed();
    return this.cancels.asObservable();
  }

  private async ensureSubscribed(): Promise<void> {
    if (this.subscriber) return;
    const sub = this.connect();
    this.subscriber = sub;
    sub.on('message', (channel: string, message: string) => {
      if (channel === this.cancelChannel) this.cancels.next(message);
      else if (channel === this.eventsChannel) {
        try {
          this.events.next(JSON.parse(message) as JobEvent);
        } catch {
          /* a malformed message is dropped */
        }
      }
    });
    await sub.subscribe(this.eventsChannel, this.cancelChannel);
  }

  async onApplicationShutdown(): Promise<void> {
    this.events.complete();
    this.cancels.complete();
    await this.subscriber?.quit().catch(() => undefined);
  }
}
