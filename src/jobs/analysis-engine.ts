import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Analyzer } from '../analysis/analyzer.js';
import { createAnalyzer, probeVideo } from '../analysis/index.js';
import type { VideoProbe } from '../analysis/probe.types.js';
import type { BatcherStats } from '../inference/batcher.js';
import { analyzerOptionsFromEnv } from '../config/analyzer-options.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';

/** What the service needs from the analysis core; injected so tests and other engines can stand in. */
export interface AnalysisEngine {
  /** ffprobe, normalised; throws InputError for files without a decodable video stream. */
  probe(path: string): Promise<VideoProbe>;
  /** The loaded model (loaded on first call, then shared by every job of this process). */
  analyzer(): Promise<Analyzer>;
  readonly modelLoaded: boolean;
  /** The execution provider in use once the model is loaded (e.g. 'cpu', 'cuda'). */
  readonly executionProvider: string | undefined;
  /** The loaded model's provider, precision, file name and batching so far; undefined until loaded. */
  inference(): InferenceInfo | undefined;
}

export interface InferenceInfo {
  executionProvider: string;
  precision: 'fp32' | 'fp16';
  model: string;
  batch: BatcherStats;
}

export const ANALYSIS_ENGINE = Symbol('ANALYSIS_ENGINE');

/** The real core: ffprobe through probeVideo, YOLOv5 through createAnalyzer (model, threads, providers, batching from the env). */
@Injectable()
export class CoreAnalysisEngine implements AnalysisEngine, OnApplicationShutdown {
  private loading?: Promise<Analyzer>;
  private loaded?: Analyzer;

  constructor(@Inject(TALLY_ENV) private readonly env: TallyEnv) {}

  get modelLoaded(): boolean {
    return this.loaded !== undefined;
  }

  get executionProvider(): string | undefined {
    return this.loaded?.executionProvider;
  }

  inference(): InferenceInfo | undefined {
    const a = this.loaded;
    return a && { executionProvider: a.executionProvider, precision: a.precision, model: a.modelName, batch: a.batchStats() };
  }

  probe(path: string): Promise<VideoProbe> {
    return probeVideo(path);
  }

  analyzer(): Promise<Analyzer> {
    this.loading ??= createAnalyzer(analyzerOptionsFromEnv(this.env)).then(
      (a) => (this.loaded = a),
      (err: unknown) => {
        this.loading = undefined; // let the next job try again
        throw err;
      },
    );
    return this.loading;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loaded?.close();
  }
}
