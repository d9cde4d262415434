import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { QUEUES, type WebhookPayload } from '../queue/queue.constants.js';
import { BlockedDestinationError } from './destination.js';
import { WebhooksService } from './webhooks.service.js';

/** Delivers webhooks on worker processes; a failed delivery throws and Bull retries it with backoff. */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUES.webhooks) private readonly queue: Queue<WebhookPayload>,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly webhooks: WebhooksService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.role === 'api') return;
    void this.queue.process(4, async (job) => {
      try {
        await this.webhooks.deliver(job.data.jobId);
      } catch (err) {
        if (err instanceof BlockedDestinationError) await job.discard(); // where it goes will not change: no retries
        throw err;
      }
    });
  }
}
