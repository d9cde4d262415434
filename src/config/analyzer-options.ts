import type { AnalyzerOptions } from '../analysis/analyzer.js';
import type { TallyEnv } from './env.js';

/** The analysis core's settings from the validated environment (shared by the worker and the CLI). */
export function analyzerOptionsFromEnv(env: TallyEnv, overrides: Partial<AnalyzerOptions> = {}): AnalyzerOptions {
  return {
    modelPath: env.modelPath,
    threads: env.inferenceThreads || undefined,
    executionProviders: env.executionProviders,
    deviceId: env.deviceId,
    tensorrtCacheDir: env.tensorrtCacheDir || undefined,
    tensorrtFp16: env.tensorrtFp16,
    batch: { maxBatchSize: env.batchMaxSize, maxWaitMs: env.batchMaxWaitMs, maxQueuedPerJob: env.batchMaxQueuedPerJob },
    hwaccelDecode: env.hwaccelDecode,
    ...overrides,
  };
}
