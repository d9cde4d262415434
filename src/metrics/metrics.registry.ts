import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * This process's Prometheus registry (one per app instance, not prom-client's global, so several
 * apps in one test process do not collide). Gauges that come from the database or the queue are
 * filled at scrape time by collectors registered with addCollector.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly collectors: (() => Promise<void>)[] = [];

  readonly jobsByStatus = new Gauge({ name: 'tally_jobs', help: 'Jobs by status (all time for active states, last 24 h for final ones)', labelNames: ['status'], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'tally_queue_depth', help: 'Bull jobs by queue and state', labelNames: ['queue', 'state'], registers: [this.registry] });
  readonly slaAtRisk = new Gauge({ name: 'tally_jobs_sla_at_risk', help: 'Unfinished jobs within 5 minutes of (or past) their deadline', registers: [this.registry] });
  readonly slaMissed = new Counter({ name: 'tally_jobs_sla_missed_total', help: 'Jobs that finished after their deadline (this worker)', registers: [this.registry] });
  readonly analysisFps = new Gauge({ name: 'tally_analysis_frames_per_second', help: 'Frames analysed per second of wall time, last job of this worker', registers: [this.registry] });
  readonly framesAnalysed = new Counter({ name: 'tally_frames_analysed_total', help: 'Frames analysed by this worker', registers: [this.registry] });
  readonly jobLatency = new Histogram({
    name: 'tally_job_latency_seconds',
    help: 'Submission to final status, by status (this worker)',
    labelNames: ['status'],
    buckets: [5, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600],
    registers: [this.registry],
  });
  readonly inferenceInfo = new Gauge({
    name: 'tally_inference_info',
    help: "The model this worker loaded: 1 with its execution provider (tensorrt, cuda, cpu), precision and file",
    labelNames: ['provider', 'precision', 'model'],
    registers: [this.registry],
  });
  readonly inferenceBatches = new Counter({ name: 'tally_inference_batches_total', help: 'Inference calls of the shared batcher (this worker)', registers: [this.registry] });
  readonly inferenceFrames = new Counter({ name: 'tally_inference_frames_total', help: 'Frames run through the shared batcher (this worker)', registers: [this.registry] });
  readonly inferenceFailedBatches = new Counter({ name: 'tally_inference_failed_batches_total', help: 'Inference calls that failed (this worker)', registers: [this.registry] });
  readonly inferenceMeanBatch = new Gauge({ name: 'tally_inference_mean_batch_size', help: 'Frames per inference call since start (this worker): low on a GPU means it waits for frames', registers: [this.registry] });
  readonly inferenceQueued = new Gauge({ name: 'tally_inference_queued_frames', help: 'Frames waiting for a batch now (this worker)', registers: [this.registry] });
  readonly cloudMetricExports = new Counter({
    name: 'tally_cloud_metric_exports_total',
    help: 'Writes of the analysis backlog to Cloud Monitoring (the worker pool autoscaler follows it), by result',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly jobsFinished = new Counter({ name: 'tally_jobs_finished_total', help: 'Jobs finished by this worker, by status', labelNames: ['status'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  addCollector(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c().catch(() => undefined)));
    return this.registry.metrics();
  }
}
