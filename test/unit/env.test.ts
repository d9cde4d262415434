import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadEnv } from '../../src/config/env.js';

describe('loadEnv', () => {
  it('gives the documented defaults', () => {
    const env = loadEnv({});
    expect(env.port).toBe(3000);
    expect(env.role).toBe('all');
    expect(env.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/tally');
    expect(env.modelPath).toBe('models/yolov5n.onnx');
  });

  it.each([
    [{ PORT: 'abc' }, /PORT=abc is not valid/],
    [{ TALLY_ROLE: 'boss' }, /TALLY_ROLE=boss is not valid: use one of api, worker, all/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL=mysql:\/\/x must start with postgres:\/\//],
    [{ REDIS_URL: 'nope' }, /REDIS_URL=nope is not a URL/],
  ])('rejects %j with a fix-it message', (src, message) => {
    expect(() => loadEnv(src)).toThrow(ConfigError);
    expect(() => loadEnv(src)).toThrow(message);
  });
});
