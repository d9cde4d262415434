import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { Job } from '../jobs/job.entity.js';
import { toJobView } from '../jobs/job-view.js';
import { QUEUES, webhookJobOptions, type WebhookPayload } from '../queue/queue.constants.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { signWebhook } from './webhook-signature.js';

const TIMEOUT_MS = 10_000;

/** Completion webhooks: queued when a job reaches a final status, delivered (and retried) by workers. */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QUEUES.webhooks) private readonly queue: Queue<WebhookPayload>,
  ) {}

  async enqueue(job: Pick<Job, 'id' | 'callbackUrl'>): Promise<void> {
    if (!job.callbackUrl) return;
    await this.queue.add({ jobId: job.id }, webhookJobOptions(job.id)).catch((err: unknown) => this.logger.error(`queueing webhook of ${job.id}: ${String(err)}`));
  }

  /** One delivery attempt; throws on a network error or a non-2xx answer so Bull retries with backoff. */
  async deliver(jobId: string): Promise<void> {
    const job = await this.db.getRepository(Job).findOneBy({ id: jobId });
    if (!job?.callbackUrl || job.webhookDeliveredAt) return;
    const tenant = await this.db.getRepository(Tenant).findOneByOrFail({ id: job.tenantId });
    const body = JSON.stringify({ type: `job.${job.status}`, createdAt: new Date().toISOString(), data: toJobView(job) });
    const res = await fetch(job.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'tally-signature': signWebhook(tenant.webhookSecret, body), 'user-agent': 'tally-webhooks/1' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`callback answered ${res.status}`);
    await this.db.getRepository(Job).update({ id: jobId }, { webhookDeliveredAt: new Date() });
  }
}
