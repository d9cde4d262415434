import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { MAINTENANCE_JOBS, QUEUES } from '../queue/queue.constants.js';
import { VideosService } from './videos.service.js';

/** Every 15 minutes, one worker deletes source videos older than TALLY_VIDEO_RETENTION_HOURS. */
export const RETENTION_EVERY_MS = 15 * 60_000;

@Injectable()
export class RetentionWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetentionWorker.name);

  constructor(
    @InjectQueue(QUEUES.maintenance) private readonly queue: Queue,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly videos: VideosService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.role === 'api') return;
    // A repeatable job: Bull keeps one schedule however many workers declare it.
    await this.queue.add(MAINTENANCE_JOBS.retention, {}, { repeat: { every: RETENTION_EVERY_MS }, jobId: MAINTENANCE_JOBS.retention, removeOnComplete: 10, removeOnFail: 10 });
    void this.queue.process(MAINTENANCE_JOBS.retention, 1, () => this.runOnce());
  }

  async runOnce(): Promise<number> {
    const cutoff = new Date(Date.now() - this.env.videoRetentionHours * 3_600_000);
    const deleted = await this.videos.sweep(cutoff);
    if (deleted) this.logger.log(`retention: deleted ${deleted} source video(s) older than ${cutoff.toISOString()}`);
    return deleted;
  }
}
