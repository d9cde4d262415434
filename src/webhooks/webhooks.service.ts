import http from 'node:http';
import https from 'node:https';
import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { Job } from '../jobs/job.entity.js';
import { toJobView } from '../jobs/job-view.js';
import { QUEUES, webhookJobOptions, type WebhookPayload } from '../queue/queue.constants.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { BlockedDestinationError, blockedUrlReason, publicOnlyLookup } from './destination.js';
import { signWebhook } from './webhook-signature.js';

const TIMEOUT_MS = 10_000;

/** Completion webhooks: queued when a job reaches a final status, delivered (and retried) by workers. */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QUEUES.webhooks) private readonly queue: Queue<WebhookPayload>,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  async enqueue(job: Pick<Job, 'id' | 'callbackUrl'>): Promise<void> {
    if (!job.callbackUrl) return;
    await this.queue.add({ jobId: job.id }, webhookJobOptions(job.id)).catch((err: unknown) => this.logger.error(`queueing webhook of ${job.id}: ${String(err)}`));
  }

  /**
   * One delivery attempt; throws on a network error or a non-2xx answer so Bull retries with backoff, and
   * BlockedDestinationError (final) when the URL leads inside the deployment's network (destination.ts).
   */
  async deliver(jobId: string): Promise<void> {
    const job = await this.db.getRepository(Job).findOneBy({ id: jobId });
    if (!job?.callbackUrl || job.webhookDeliveredAt) return;
    const tenant = await this.db.getRepository(Tenant).findOneByOrFail({ id: job.tenantId });
    const body = JSON.stringify({ type: `job.${job.status}`, createdAt: new Date().toISOString(), data: toJobView(job) });
    const status = await this.post(new URL(job.callbackUrl), body, {
      'content-type': 'application/json',
      'tally-signature': signWebhook(tenant.webhookSecret, body),
      'user-agent': 'tally-webhooks/1',
    });
    if (status < 200 || status >= 300) throw new Error(`callback answered ${status}`);
    await this.db.getRepository(Job).update({ id: jobId }, { webhookDeliveredAt: new Date() });
  }

  /** POSTs body; resolves to the status code. Redirects are not followed (a 3xx is a failed attempt). */
  private post(url: URL, body: string, headers: Record<string, string>): Promise<number> {
    const allowPrivate = this.env.webhookAllowPrivate;
    const blocked = allowPrivate ? null : blockedUrlReason(url);
    if (blocked) return Promise.reject(new BlockedDestinationError(`webhook to ${url.host} refused: ${blocked}`));
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        timeout: TIMEOUT_MS,
        ...(allowPrivate ? {} : { lookup: publicOnlyLookup }),
      });
      req.on('response', (res) => {
        res.resume(); // the answer's body is not read
        resolve(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy(new Error(`callback did not answer within ${TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
