import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import type { Job, JobStatus } from './job.entity.js';

/** What a worker records when a job ends. */
@Injectable()
export class JobMetrics {
  constructor(private readonly metrics: MetricsRegistry) {}

  finished(job: Job, status: JobStatus, fps?: number): void {
    const now = Date.now();
    this.metrics.jobsFinished.inc({ status });
    this.metrics.jobLatency.observe({ status }, (now - job.createdAt.getTime()) / 1000);
    if (now > job.deadlineAt.getTime()) this.metrics.slaMissed.inc();
    if (fps !== undefined && Number.isFinite(fps)) this.metrics.analysisFps.set(fps);
    if (job.framesAnalysed) this.metrics.framesAnalysed.inc(job.framesAnalysed);
  }
}
