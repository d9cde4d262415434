import { InjectQueue } from '@nestjs/bull';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { AT_RISK_MARGIN_MS } from '../jobs/scheduling.js';
import { QUEUES } from '../queue/queue.constants.js';
import { MetricsRegistry } from './metrics.registry.js';

/** Fills the database- and queue-backed gauges at scrape time (same answer from every process). */
@Injectable()
export class MetricsCollectors implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsRegistry,
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QUEUES.analysis) private readonly analysis: Queue,
    @InjectQueue(QUEUES.webhooks) private readonly webhooks: Queue,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector(() => this.collectJobs());
    this.metrics.addCollector(() => this.collectQueues());
  }

  private async collectJobs(): Promise<void> {
    const rows = (await this.db.query(
      `SELECT status, count(*)::int AS n FROM jobs
        WHERE status IN ('queued', 'processing') OR finished_at > now() - interval '24 hours'
        GROUP BY status`,
    )) as { status: string; n: number }[];
    this.metrics.jobsByStatus.reset();
    for (const status of ['queued', 'processing', 'succeeded', 'failed', 'canceled']) {
      this.metrics.jobsByStatus.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
    }
    const [risk] = (await this.db.query(
      `SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued', 'processing') AND deadline_at < now() + make_interval(secs => $1)`,
      [AT_RISK_MARGIN_MS / 1000],
    )) as { n: number }[];
    this.metrics.slaAtRisk.set(risk.n);
  }

  private async collectQueues(): Promise<void> {
    for (const [name, queue] of [
      [QUEUES.analysis, this.analysis],
      [QUEUES.webhooks, this.webhooks],
    ] as const) {
      const counts = await queue.getJobCounts();
      for (const [state, n] of Object.entries(counts)) this.metrics.queueDepth.set({ queue: name, state }, n);
    }
  }
}
