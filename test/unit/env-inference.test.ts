import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadEnv } from '../../src/config/env.js';

describe('loadEnv: inference settings', () => {
  it('defaults to the CPU configuration: cpu provider, no batching', () => {
    expect(loadEnv({})).toMatchObject({ executionProviders: ['cpu'], deviceId: 0, tensorrtCacheDir: '', tensorrtFp16: false, batchMaxSize: 1, batchMaxWaitMs: 0, batchMaxQueuedPerJob: 64 });
  });

  it('reads the GPU configuration', () => {
    const env = loadEnv({
      TALLY_EXECUTION_PROVIDERS: 'tensorrt, cuda,cpu',
      TALLY_DEVICE_ID: '1',
      TALLY_TENSORRT_CACHE_DIR: '/data/trt-cache',
      TALLY_TENSORRT_FP16: 'true',
      TALLY_BATCH_MAX_SIZE: '32',
      TALLY_BATCH_MAX_WAIT_MS: '5',
      TALLY_BATCH_MAX_QUEUED_PER_JOB: '128',
    });
    expect(env).toMatchObject({
      executionProviders: ['tensorrt', 'cuda', 'cpu'],
      deviceId: 1,
      tensorrtCacheDir: '/data/trt-cache',
      tensorrtFp16: true,
      batchMaxSize: 32,
      batchMaxWaitMs: 5,
      batchMaxQueuedPerJob: 128,
    });
  });

  it.each([
    [{ TALLY_EXECUTION_PROVIDERS: 'cuda,rocm' }, /TALLY_EXECUTION_PROVIDERS=cuda,rocm is not valid: list some of tensorrt, cuda, cpu/],
    [{ TALLY_EXECUTION_PROVIDERS: ' , ' }, /TALLY_EXECUTION_PROVIDERS= , +is not valid/],
    [{ TALLY_BATCH_MAX_SIZE: '0' }, /TALLY_BATCH_MAX_SIZE=0 is not valid: set it to a whole number from 1 to 1024/],
    [{ TALLY_BATCH_MAX_WAIT_MS: '-1' }, /TALLY_BATCH_MAX_WAIT_MS=-1 is not valid/],
  ])('rejects %j with a fix-it message', (src, message) => {
    expect(() => loadEnv(src)).toThrow(ConfigError);
    expect(() => loadEnv(src)).toThrow(message);
  });
});
