import { describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatcherClosedError, DynamicBatcher, JobClosedError, type RunBatch } from '../../src/inference/batcher.js';

/** Frames are strings like "A7": the job's letter, then its index; the fake model answers "out:A7". */
interface Gate {
  promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * A plain fake of the inference function: records each batch's composition and when it ran, and
 * lets a test hold a batch (await a gate), delay it, or fail it.
 */
function fakeModel(behaviour: (inputs: string[], call: number) => Promise<void> | void = () => {}) {
  const batches: string[][] = [];
  const startedAt: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const run: RunBatch<string, string> = async (inputs) => {
    const call = batches.length;
    batches.push([...inputs]);
    startedAt.push(performance.now());
    running++;
    maxRunning = Math.max(maxRunning, running);
    try {
      await behaviour(inputs, call);
      return inputs.map((input) => `out:${input}`);
    } finally {
      running--;
    }
  };
  return {
    run,
    batches,
    startedAt,
    get maxRunning() {
      return maxRunning;
    },
  };
}

const frames = (job: string, n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `${job}${from + i}`);
const jobsOf = (batch: string[]): string => batch.map((f) => f[0]).join('');
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const activeTimeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('DynamicBatcher', () => {
  it('never puts more than maxBatchSize frames in a batch, and answers every frame', async () => {
    const model = fakeModel(() => sleep(1).then(() => undefined));
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 4, maxWaitMs: 5, maxQueuedPerJob: 100 });
    const submitted = [...frames('A', 11), ...frames('B', 7), ...frames('C', 3)];
    const results = await Promise.all(submitted.map((f) => batcher.submit(f[0], f)));
    expect(results).toEqual(submitted.map((f) => `out:${f}`));
    expect(Math.max(...model.batches.map((b) => b.length))).toBe(4);
    expect(model.batches.flat().sort()).toEqual([...submitted].sort());
    expect(batcher.stats()).toMatchObject({ frames: 21, queued: 0, jobs: 0, failedBatches: 0 });
    await batcher.close();
  });

  it('flushes a lone frame once it has waited maxWaitMs, not before', async () => {
    const model = fakeModel();
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 8, maxWaitMs: 40, maxQueuedPerJob: 8 });
    const submittedAt = performance.now();
    const result = batcher.submit('A', 'A0');
    await sleep(10);
    expect(model.batches).toEqual([]); // still gathering
    await expect(result).resolves.toBe('out:A0');
    expect(model.batches).toEqual([['A0']]);
    expect(model.startedAt[0] - submittedAt).toBeGreaterThanOrEqual(40);
    await batcher.close();
  });

  it('flushes a full batch at once, without waiting for maxWaitMs', async () => {
    const timersBefore = activeTimeouts();
    const model = fakeModel();
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 4, maxWaitMs: 60_000, maxQueuedPerJob: 8 });
    const results = frames('A', 2).concat(frames('B', 2)).map((f) => batcher.submit(f[0], f));
    await tick();
    expect(model.batches).toEqual([['A0', 'B0', 'A1', 'B1']]);
    await Promise.all(results);
    // A fifth frame waits for company; close() rejects it and must not leave its timer behind.
    const lone = batcher.submit('C', 'C0');
    await tick();
    expect(model.batches).toHaveLength(1);
    expect(activeTimeouts()).toBe(timersBefore + 1);
    await batcher.close();
    await expect(lone).rejects.toThrow(BatcherClosedError);
    expect(activeTimeouts()).toBe(timersBefore);
  });

  it('routes results to their job in submit order, even when a later batch finishes first', async () => {
    // Two batches run at once; the first one is slow, so the second returns before it.
    const model = fakeModel((_inputs, call) => sleep(call === 0 ? 40 : 1).then(() => undefined));
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 3, maxWaitMs: 0, maxQueuedPerJob: 100, maxConcurrentBatches: 2 });
    const delivered: Record<string, string[]> = { A: [], B: [] };
    const submitted = [...frames('A', 5), ...frames('B', 4)];
    await Promise.all(submitted.map((f) => batcher.submit(f[0], f).then((out) => delivered[f[0]].push(out))));
    expect(model.maxRunning).toBe(2);
    expect(delivered.A).toEqual(frames('A', 5).map((f) => `out:${f}`));
    expect(delivered.B).toEqual(frames('B', 4).map((f) => `out:${f}`));
    await batcher.close();
  });

  it('takes frames round-robin across jobs, so a job with 1,000 queued frames does not starve one with 10', async () => {
    const held = gate();
    const model = fakeModel((_inputs, call) => (call === 0 ? held.promise : undefined));
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 8, maxWaitMs: 0, maxQueuedPerJob: 1000 });
    const first = batcher.submit('W', 'W0'); // occupies the runner while the queues fill
    const all = [...frames('A', 1000), ...frames('B', 10)].map((f) => batcher.submit(f[0], f));
    expect(batcher.stats().queued).toBe(1010);
    held.open();
    await Promise.all([first, ...all]);
    const compositions = model.batches.map(jobsOf);
    expect(compositions.slice(0, 5)).toEqual(['W', 'ABABABAB', 'ABABABAB', 'ABABAAAA', 'AAAAAAAA']);
    expect(model.batches).toHaveLength(1 + Math.ceil(1010 / 8));
    // Each job's own frames still go in order.
    expect(model.batches.flat().filter((f) => f[0] === 'B')).toEqual(frames('B', 10));
    await batcher.close();
  });

  it('keeps a new job from waiting behind the whole backlog of an old one', async () => {
    const model = fakeModel(() => sleep(1).then(() => undefined));
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 4, maxWaitMs: 0, maxQueuedPerJob: 400 });
    const big = frames('A', 400).map((f) => batcher.submit('A', f));
    await sleep(5); // A is well under way when B arrives
    const late = frames('B', 4).map((f) => batcher.submit('B', f));
    await Promise.all(late);
    const batchesBeforeBDone = model.batches.findIndex((b) => b.includes('B3')) + 1;
    const aDoneThen = model.batches.slice(0, batchesBeforeBDone).flat().filter((f) => f[0] === 'A').length;
    expect(aDoneThen).toBeLessThan(400 - 4 * 4); // B finished while most of A was still queued
    await Promise.all(big);
    await batcher.close();
  });

  it('applies back-pressure: a job never has more than maxQueuedPerJob frames admitted', async () => {
    const held = gate();
    const model = fakeModel(() => held.promise);
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 8, maxWaitMs: 0, maxQueuedPerJob: 3 });
    const results = frames('A', 10).map((f) => batcher.submit('A', f));
    await tick();
    expect(model.batches).toEqual([['A0']]); // dispatched on arrival: maxWaitMs 0
    expect(batcher.stats()).toMatchObject({ queued: 2, waitingForRoom: 7, runningBatches: 1 });

    // Another job is not held back by A's limit.
    const other = batcher.submit('B', 'B0');
    expect(batcher.stats()).toMatchObject({ queued: 3, waitingForRoom: 7 });

    // whenRoom() resolves only once A has delivered results and drained its waiting submits.
    let roomForA = false;
    const room = batcher.whenRoom('A').then(() => (roomForA = true));
    await tick();
    expect(roomForA).toBe(false);

    held.open();
    await Promise.all([...results, other, room]);
    // Every batch held at most 3 of A's frames, and A's frames were admitted in submit order.
    for (const batch of model.batches) expect(batch.filter((f) => f[0] === 'A').length).toBeLessThanOrEqual(3);
    expect(model.batches.flat().filter((f) => f[0] === 'A')).toEqual(frames('A', 10));
    expect(roomForA).toBe(true);
    await batcher.close();
  });

  it('rejects only the frames of a failing batch and keeps serving', async () => {
    const model = fakeModel((inputs) => {
      if (inputs.includes('A2')) throw new Error('CUDA out of memory');
    });
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 2, maxWaitMs: 0, maxQueuedPerJob: 100 });
    const submitted = [...frames('A', 4), ...frames('B', 4)];
    const outcomes = await Promise.allSettled(submitted.map((f) => batcher.submit(f[0], f)));
    const failedBatch = model.batches.find((b) => b.includes('A2')) as string[];
    submitted.forEach((f, i) => {
      const outcome = outcomes[i];
      if (failedBatch.includes(f)) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toEqual(new Error('CUDA out of memory'));
      } else {
        expect(outcome).toEqual({ status: 'fulfilled', value: `out:${f}` });
      }
    });
    expect(failedBatch).toHaveLength(2);
    await expect(batcher.submit('C', 'C0')).resolves.toBe('out:C0');
    expect(batcher.stats()).toMatchObject({ failedBatches: 1, jobs: 0 });
    await batcher.close();
  });

  it('rejects a batch whose function returns the wrong number of outputs', async () => {
    const batcher = new DynamicBatcher<string, string>(async (inputs) => inputs.slice(1), {
      maxBatchSize: 2,
      maxWaitMs: 0,
      maxQueuedPerJob: 4,
    });
    await expect(batcher.submit('A', 'A0')).rejects.toThrow('the batch function returned 0 outputs for 1 inputs');
    await batcher.close();
  });

  it("closeJob drops one job's frames at once without stalling the others", async () => {
    const held = gate();
    const model = fakeModel((_inputs, call) => (call === 0 ? held.promise : undefined));
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 2, maxWaitMs: 0, maxQueuedPerJob: 3 });
    const a = frames('A', 6).map((f) => batcher.submit('A', f)); // 1 running, 2 queued, 3 waiting for room
    const b = frames('B', 3).map((f) => batcher.submit('B', f));
    await tick();
    expect(model.batches).toEqual([['A0']]);

    batcher.closeJob('A', 'aborted by the user');
    const aOutcomes = await Promise.allSettled(a); // settles while A0's batch is still running
    for (const outcome of aOutcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(JobClosedError);
    }
    expect((aOutcomes[0] as PromiseRejectedResult).reason.message).toBe('job A was closed: aborted by the user; its pending frames were dropped');
    expect(batcher.stats()).toMatchObject({ queued: 3, waitingForRoom: 0 });

    held.open();
    await expect(Promise.all(b)).resolves.toEqual(['out:B0', 'out:B1', 'out:B2']);
    expect(model.batches.slice(1).flat()).toEqual(['B0', 'B1', 'B2']); // no A frame ran after the close

    // The id can be used again (a retried job).
    await expect(batcher.submit('A', 'A9')).resolves.toBe('out:A9');
    await batcher.close();
  });

  it('with maxBatchSize 1 degenerates to sequential single-frame calls (the CPU configuration)', async () => {
    const model = fakeModel(() => sleep(1).then(() => undefined));
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 1, maxWaitMs: 0, maxQueuedPerJob: 4 });
    const submitted = [...frames('A', 3), ...frames('B', 3)];
    const results = await Promise.all(submitted.map((f) => batcher.submit(f[0], f)));
    expect(results).toEqual(submitted.map((f) => `out:${f}`));
    expect(model.batches).toEqual([['A0'], ['A1'], ['B0'], ['A2'], ['B1'], ['B2']]);
    expect(model.maxRunning).toBe(1);
    expect(batcher.stats()).toMatchObject({ batches: 6, meanBatchSize: 1, batchSizeHistogram: { 1: 6 } });
    await batcher.close();
  });

  it('close() rejects what is queued, waits for the running batch, and leaves no timer behind', async () => {
    const timersBefore = activeTimeouts();
    const held = gate();
    const model = fakeModel((_inputs, call) => (call === 0 ? held.promise : undefined));
    const batcher = new DynamicBatcher(model.run, { maxBatchSize: 2, maxWaitMs: 1000, maxQueuedPerJob: 2 });
    const running = [batcher.submit('A', 'A0'), batcher.submit('B', 'B0')]; // full: dispatched
    const queued = batcher.submit('C', 'C0'); // queued behind the running batch
    const waiting = [batcher.submit('A', 'A1'), batcher.submit('A', 'A2')]; // A1 queued, A2 waits for room
    await tick();
    expect(batcher.stats()).toMatchObject({ queued: 2, waitingForRoom: 1, runningBatches: 1 });

    let closed = false;
    const closing = batcher.close().then(() => (closed = true));
    await expect(queued).rejects.toThrow(BatcherClosedError);
    await expect(Promise.allSettled(waiting)).resolves.toEqual([
      { status: 'rejected', reason: new BatcherClosedError() },
      { status: 'rejected', reason: new BatcherClosedError() },
    ]);
    await tick();
    expect(closed).toBe(false); // the running batch has not returned yet
    held.open();
    await expect(Promise.all(running)).resolves.toEqual(['out:A0', 'out:B0']);
    await closing;
    expect(activeTimeouts()).toBe(timersBefore);
    await expect(batcher.submit('A', 'A3')).rejects.toThrow('the batcher is closed');
    expect(batcher.stats()).toMatchObject({ jobs: 0, queued: 0, runningBatches: 0 });
  });

  it.each([
    [{ maxBatchSize: 0, maxWaitMs: 0, maxQueuedPerJob: 1 }, 'maxBatchSize must be a whole number ≥ 1, got 0'],
    [{ maxBatchSize: 1, maxWaitMs: -1, maxQueuedPerJob: 1 }, 'maxWaitMs must be a number of milliseconds ≥ 0, got -1'],
    [{ maxBatchSize: 1, maxWaitMs: 0, maxQueuedPerJob: 1.5 }, 'maxQueuedPerJob must be a whole number ≥ 1, got 1.5'],
  ])('refuses options %j', (options, message) => {
    expect(() => new DynamicBatcher(fakeModel().run, options)).toThrow(message);
  });
});
