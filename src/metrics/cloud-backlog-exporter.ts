import { hostname } from 'node:os';
import { MetricServiceClient } from '@google-cloud/monitoring';
import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bull';
import { OAuth2Client } from 'google-auth-library';
import type { Redis } from 'ioredis';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { QUEUES } from '../queue/queue.constants.js';
import { REDIS } from '../redis/redis.module.js';
import { MetricsRegistry } from './metrics.registry.js';

/** What the GPU worker pool's autoscaler follows (terraform/workers.tf): one series, resource `global`. */
export const BACKLOG_METRIC = 'custom.googleapis.com/tally/analysis_backlog';

/**
 * Writes the analysis backlog — jobs waiting, delayed or running — to Cloud Monitoring every interval, so
 * that a managed instance group of GPU workers can scale on it (per-group metric, `single_instance_assignment`
 * jobs per worker), down to zero workers when nothing waits. Runs in API processes; one of them writes per
 * interval (a Redis lock), as a series takes one point at a time. Off unless TALLY_CLOUD_METRICS_PROJECT is set.
 */
@Injectable()
export class CloudBacklogExporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CloudBacklogExporter.name);
  private timer?: NodeJS.Timeout;
  private client?: MetricServiceClient;
  private readonly me = `${hostname()}:${process.pid}`;

  constructor(
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    @InjectQueue(QUEUES.analysis) private readonly queue: Queue,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: MetricsRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.env.cloudMetricsProject || this.env.role === 'worker') return;
    this.timer = setInterval(() => void this.tick(), this.env.cloudMetricsIntervalSeconds * 1000);
    this.timer.unref();
    void this.tick();
  }

  /** Exports when this process holds this interval's turn; false when another process has it. */
  async tick(): Promise<boolean> {
    try {
      const turn = await this.redis.set(`${this.env.queuePrefix}:cloud-metrics-turn`, this.me, 'PX', this.env.cloudMetricsIntervalSeconds * 1000 - 500, 'NX');
      if (turn !== 'OK') return false;
      await this.exportOnce();
      return true;
    } catch (err) {
      this.metrics.cloudMetricExports.inc({ result: 'error' });
      this.logger.warn(`writing ${BACKLOG_METRIC}: ${(err as Error).message}`);
      return false;
    }
  }

  /** Reads the backlog from the queue and writes it as one point; returns the value written. */
  async exportOnce(): Promise<number> {
    const c = await this.queue.getJobCounts();
    const backlog = c.waiting + c.delayed + c.active + ((c as { paused?: number }).paused ?? 0);
    const project = this.env.cloudMetricsProject;
    await this.monitoring().createTimeSeries({
      name: `projects/${project}`,
      timeSeries: [
        {
          metric: { type: BACKLOG_METRIC, labels: { queue: this.env.queuePrefix } },
          resource: { type: 'global', labels: { project_id: project } },
          points: [{ interval: { endTime: { seconds: Math.floor(Date.now() / 1000) } }, value: { int64Value: backlog } }],
        },
      ],
    });
    this.metrics.cloudMetricExports.inc({ result: 'ok' });
    return backlog;
  }

  /** Google's endpoint over REST with Application Default Credentials, or an emulator's (http, a placeholder token). */
  private monitoring(): MetricServiceClient {
    if (this.client) return this.client;
    const endpoint = this.env.cloudMonitoringEndpoint;
    if (!endpoint) return (this.client = new MetricServiceClient({ fallback: true }));
    const url = new URL(endpoint);
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 10 * 365 * 86_400_000 });
    const protocol = url.protocol.replace(':', '');
    this.client = new MetricServiceClient({
      fallback: true,
      apiEndpoint: url.hostname,
      port: Number(url.port) || (protocol === 'http' ? 80 : 443),
      protocol,
      authClient: auth,
    } as ConstructorParameters<typeof MetricServiceClient>[0]);
    return this.client;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.client?.close().catch(() => undefined);
  }
}
