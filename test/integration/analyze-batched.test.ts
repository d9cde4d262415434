/**
 * Two videos analysed at once by one Analyzer with dynamic batching (the worker's GPU
 * configuration, here on CPU with the dynamic-batch model): frames of both are stacked into shared
 * batches, and each video still gets exactly the report it gets alone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAnalyzer, type Report, type VideoAnalyzer } from '../../src/analysis/index.js';
import { dynamicModelPath, sharedVideo } from '../support/paths.js';

const strip = (r: Report) => ({ counts: r.counts, objects: r.objects, timeline: r.timeline, frames: r.analysis.framesAnalysed });

describe('concurrent videos through one batched Analyzer', () => {
  let analyzer: VideoAnalyzer;
  beforeAll(async () => {
    analyzer = await createAnalyzer({
      modelPath: dynamicModelPath,
      threads: 2,
      batch: { maxBatchSize: 4, maxWaitMs: 20, maxQueuedPerJob: 4 },
    });
  });
  afterAll(async () => analyzer?.close());

  it('gives each video the same report as analysing it alone', async () => {
    const videos = [sharedVideo('bus-pan-720p120-3s.mp4'), sharedVideo('zidane-zoom-720p120-4s.mp4')];
    const alone: Report[] = [];
    for (const v of videos) alone.push(await analyzer.analyze(v, { stride: 8 }));
    const before = analyzer.batchStats();
    const together = await Promise.all(videos.map((v) => analyzer.analyze(v, { stride: 8 })));
    const after = analyzer.batchStats();
    // Frames really shared batches: fewer inference calls than frames.
    expect(after.frames - before.frames).toBe(45 + 60);
    expect(after.batches - before.batches).toBeLessThan(after.frames - before.frames);
    expect(together.map(strip)).toEqual(alone.map(strip));
    expect(together[0].counts).toEqual({ person: expect.any(Number), bus: 1 });
    expect(together[0].analysis.inputSize).toEqual([640, 384]); // dynamic model: 16:9 letterbox
  });

  it('a canceled video does not disturb the other', async () => {
    const controller = new AbortController();
    const canceled = analyzer.analyze(sharedVideo('zidane-zoom-720p120-4s.mp4'), {
      stride: 4,
      signal: controller.signal,
      onProgress: (p) => p.fraction > 0.1 && controller.abort(),
    });
    const other = analyzer.analyze(sharedVideo('bus-pan-720p120-3s.mp4'), { stride: 8 });
    await expect(canceled).rejects.toMatchObject({ name: 'AbortError' });
    expect((await other).counts.bus).toBe(1);
  });
});
