import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { ANALYSIS_ENGINE, type AnalysisEngine } from './analysis-engine.js';

/**
 * The worker's inference figures at scrape time: which provider and precision the model runs with
 * (tally_inference_info) and what the shared batcher has done (batches, frames, mean batch size, queue).
 * Nothing is exported before this process has loaded the model (API-only processes never do).
 */
@Injectable()
export class InferenceMetrics implements OnModuleInit {
  private last = { batches: 0, frames: 0, failed: 0 };

  constructor(
    private readonly metrics: MetricsRegistry,
    @Inject(ANALYSIS_ENGINE) private readonly engine: AnalysisEngine,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector(async () => this.collect());
  }

  collect(): void {
    const info = this.engine.inference();
    if (!info) return;
    const m = this.metrics;
    m.inferenceInfo.reset();
    m.inferenceInfo.set({ provider: info.executionProvider, precision: info.precision, model: info.model }, 1);
    // The batcher keeps running totals; counters advance by what happened since the last scrape.
    const { batches, frames, failedBatches: failed } = info.batch;
    m.inferenceBatches.inc(Math.max(0, batches - this.last.batches));
    m.inferenceFrames.inc(Math.max(0, frames - this.last.frames));
    m.inferenceFailedBatches.inc(Math.max(0, failed - this.last.failed));
    this.last = { batches, frames, failed };
    m.inferenceMeanBatch.set(info.batch.meanBatchSize);
    m.inferenceQueued.set(info.batch.queued);
  }
}
