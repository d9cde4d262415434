/**
 * Dynamic batching across jobs, as in Triton's dynamic batcher: one inference function (one ONNX
 * session per GPU) is shared by every job on a worker; frames submitted by concurrent jobs are
 * gathered into batches and each result is routed back to its job, in that job's submit order.
 *
 *   job A ──submit──▶ [a1 a2 a3 …] ─┐
 *   job B ──submit──▶ [b1 b2]      ─┼─ round-robin ─▶ batch [a1 b1 c1 a2 b2 …] ─▶ run() ─▶ split
 *   job C ──submit──▶ [c1]         ─┘                                                    │
 *          ◀── results, per job in submit order ──────────────────────────────────────────┘
 *
 * A batch is dispatched when it is full (maxBatchSize queued) or when its oldest frame has waited
 * maxWaitMs, whichever comes first, and only while fewer than maxConcurrentBatches are running.
 * With maxBatchSize 1 it degenerates to one call per frame, one at a time: the CPU configuration.
 *
 * Framework-free and generic over the inference function, so its logic is tested without ONNX.
 */
import { performance } from 'node:perf_hooks';

export interface BatcherOptions {
  /** Most frames in one call of `run`. A GPU wants 32–64; CPU inference wants 1. */
  maxBatchSize: number;
  /**
   * How long the oldest queued frame may wait for others to join its batch, in milliseconds.
   * Higher fills batches better under light load at the cost of latency; 0 dispatches as soon as
   * a batch slot is free (frames arriving while a batch runs still gather for the next one).
   */
  maxWaitMs: number;
  /**
   * Back-pressure: most frames of one job admitted at once (queued, running or finished but
   * waiting for an earlier frame's result). Further submits wait for room, so memory stays
   * bounded by jobs × maxQueuedPerJob frames however fast a job decodes.
   */
  maxQueuedPerJob: number;
  /**
   * Batches running at the same time (default 1). 2 lets the next batch be assembled and copied
   * while the GPU works on the previous one; per-job result order is kept either way.
   */
  maxConcurrentBatches?: number;
}

/** Runs a batch; must return one output per input, in the same order. */
export type RunBatch<I, O> = (inputs: I[]) => Promise<O[]>;

export interface BatcherStats {
  /** Jobs with frames queued, running or waiting for room. */
  jobs: number;
  /** Frames admitted and waiting to be put in a batch. */
  queued: number;
  /** Submits waiting for room (back-pressure). */
  waitingForRoom: number;
  /** Batches running now. */
  runningBatches: number;
  /** Batches dispatched so far, failed ones included. */
  batches: number;
  /** Batches whose run failed (threw, rejected or returned the wrong number of outputs). */
  failedBatches: number;
  /** Frames dispatched so far. */
  frames: number;
  /** frames / batches; 0 before the first batch. */
  meanBatchSize: number;
  /** Batches dispatched per batch size: histogram[n] = number of batches of n frames. */
  batchSizeHistogram: Record<number, number>;
  /** Total time spent inside `run`, in milliseconds (overlapping batches counted each). */
  runMs: number;
}

/** Rejection of frames whose job was closed (aborted, failed) before their result was delivered. */
export class JobClosedError extends Error {
  readonly jobId: string;
  constructor(jobId: string, reason?: string) {
    super(`job ${jobId} was closed${reason ? `: ${reason}` : ''}; its pending frames were dropped`);
    this.name = 'JobClosedError';
    this.jobId = jobId;
  }
}

/** Rejection of frames still pending when the batcher itself was closed, and of later submits. */
export class BatcherClosedError extends Error {
  constructor() {
    super('the batcher is closed');
    this.name = 'BatcherClosedError';
  }
}

type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Frame<I, O> {
  readonly job: JobState<I, O>;
  readonly seq: number;
  readonly input: I;
  /** performance.now() when the frame was admitted to the queue. */
  enqueuedAt: number;
  readonly promise: Promise<O>;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
  outcome?: Outcome<O>;
  settled: boolean;
}

interface JobState<I, O> {
  readonly id: string;
  /** Admitted frames not yet taken into a batch, oldest first. */
  readonly queue: Frame<I, O>[];
  /** Submits waiting for room, oldest first; they hold sequence numbers already. */
  readonly waiting: Frame<I, O>[];
  /** Admitted frames whose promise is not settled yet, by sequence number (insertion = seq order). */
  readonly unsettled: Map<number, Frame<I, O>>;
  /** Callers of whenRoom() waiting for this job to have room. */
  readonly roomWaiters: (() => void)[];
  nextSeq: number;
  /** Sequence number of the next frame whose result may be delivered. */
  nextDeliver: number;
}

const noop = (): void => {};

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}

export class DynamicBatcher<I, O> {
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;
  private readonly maxQueuedPerJob: number;
  private readonly maxConcurrentBatches: number;

  private readonly jobs = new Map<string, JobState<I, O>>();
  /** Jobs with queued frames, in round-robin order; `cursor` is where the next batch starts. */
  private readonly active: JobState<I, O>[] = [];
  private cursor = 0;
  private queued = 0;
  private waitingForRoom = 0;
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly counters = { batches: 0, failedBatches: 0, frames: 0, runMs: 0, histogram: {} as Record<number, number> };

  constructor(
    private readonly run: RunBatch<I, O>,
    options: BatcherOptions,
  ) {
    this.maxBatchSize = positiveInt('maxBatchSize', options.maxBatchSize);
    this.maxQueuedPerJob = positiveInt('maxQueuedPerJob', options.maxQueuedPerJob);
    this.maxConcurrentBatches = positiveInt('maxConcurrentBatches', options.maxConcurrentBatches ?? 1);
    if (!Number.isFinite(options.maxWaitMs) || options.maxWaitMs < 0) {
      throw new RangeError(`maxWaitMs must be a number of milliseconds ≥ 0, got ${options.maxWaitMs}`);
    }
    this.maxWaitMs = options.maxWaitMs;
  }

  /**
   * Submits one frame of a job. The promise resolves with its output; a job's promises settle in
   * the order it submitted them. If the job already has maxQueuedPerJob frames admitted, the
   * frame waits for room before it is queued (await `whenRoom` first to stop producing instead).
   */
  submit(jobId: string, input: I): Promise<O> {
    if (this.closed) return Promise.reject(new BatcherClosedError());
    let job = this.jobs.get(jobId);
    if (!job) {
      job = { id: jobId, queue: [], waiting: [], unsettled: new Map(), roomWaiters: [], nextSeq: 0, nextDeliver: 0 };
      this.jobs.set(jobId, job);
    }
    let resolve!: (value: O) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<O>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const frame: Frame<I, O> = { job, seq: job.nextSeq++, input, enqueuedAt: 0, promise, resolve, reject, settled: false };
    const room = this.hasRoom(job);
    job.unsettled.set(frame.seq, frame);
    if (room) {
      this.enqueue(frame);
      this.schedule();
    } else {
      job.waiting.push(frame);
      this.waitingForRoom++;
    }
    return promise;
  }

  /**
   * Resolves when `jobId` has room for another frame without waiting: a producer (a decoder)
   * awaits it before reading the next frame, so back-pressure reaches the decoder.
   */
  whenRoom(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (this.closed || !job || this.hasRoom(job)) return Promise.resolve();
    return new Promise<void>((resolve) => job.roomWaiters.push(resolve));
  }

  /**
   * Drops a job (it was aborted or failed): its queued and waiting frames are rejected with
   * JobClosedError at once, as are its frames in a running batch (their outputs are discarded
   * when the batch returns). Other jobs are not affected. The job id may be used again later.
   */
  closeJob(jobId: string, reason?: string): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    this.removeJob(job);
    const error = new JobClosedError(jobId, reason);
    for (const frame of job.unsettled.values()) this.settle(frame, { ok: false, error }, true);
    job.unsettled.clear();
    job.roomWaiters.splice(0).forEach((resolve) => resolve());
    this.schedule();
  }

  /**
   * Stops accepting frames, rejects every queued and waiting frame with BatcherClosedError, and
   * resolves once running batches have returned (their outputs are still delivered), so the
   * inference session can then be released. Leaves no timer behind.
   */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.clearTimer();
      const error = new BatcherClosedError();
      for (const job of [...this.jobs.values()]) {
        for (const frame of [...job.queue, ...job.waiting]) {
          job.unsettled.delete(frame.seq);
          this.settle(frame, { ok: false, error }, true);
        }
        job.queue.length = 0;
        job.waiting.length = 0;
        job.roomWaiters.splice(0).forEach((resolve) => resolve());
        if (job.unsettled.size === 0) this.jobs.delete(job.id);
      }
      this.active.length = 0;
      this.queued = 0;
      this.waitingForRoom = 0;
    }
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): BatcherStats {
    const { batches, failedBatches, frames, runMs, histogram } = this.counters;
    return {
      jobs: this.jobs.size,
      queued: this.queued,
      waitingForRoom: this.waitingForRoom,
      runningBatches: this.running,
      batches,
      failedBatches,
      frames,
      meanBatchSize: batches === 0 ? 0 : frames / batches,
      batchSizeHistogram: { ...histogram },
      runMs,
    };
  }

  /** Whether a frame submitted now would be queued at once: nothing waiting, fewer than the cap admitted. */
  private hasRoom(job: JobState<I, O>): boolean {
    // Admitted = not yet delivered (queued, running or held for order) and not waiting for room.
    return job.waiting.length === 0 && job.unsettled.size - job.waiting.length < this.maxQueuedPerJob;
  }

  private enqueue(frame: Frame<I, O>): void {
    const { job } = frame;
    frame.enqueuedAt = performance.now();
    if (job.queue.length === 0) this.active.push(job);
    job.queue.push(frame);
    this.queued++;
  }

  /** Dispatches every batch that is due and arms the timer for the next one. Never blocks. */
  private schedule(): void {
    if (this.closed) return;
    while (this.queued > 0 && this.running < this.maxConcurrentBatches) {
      const waitedMs = performance.now() - this.oldestEnqueuedAt();
      if (this.queued >= this.maxBatchSize || waitedMs >= this.maxWaitMs) {
        this.dispatch();
        continue;
      }
      // An armed timer is never later than the oldest frame's deadline: frames only get younger.
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, Math.ceil(this.maxWaitMs - waitedMs));
      return;
    }
    this.clearTimer();
  }

  private oldestEnqueuedAt(): number {
    let oldest = Infinity;
    for (const job of this.active) oldest = Math.min(oldest, job.queue[0].enqueuedAt);
    return oldest;
  }

  /** Takes up to maxBatchSize frames, one per job in turn, continuing from where the last batch stopped. */
  private takeBatch(): Frame<I, O>[] {
    const batch: Frame<I, O>[] = [];
    while (batch.length < this.maxBatchSize && this.active.length > 0) {
      if (this.cursor >= this.active.length) this.cursor = 0;
      const job = this.active[this.cursor];
      batch.push(job.queue.shift() as Frame<I, O>);
      if (job.queue.length === 0) this.active.splice(this.cursor, 1);
      else this.cursor++;
    }
    this.queued -= batch.length;
    return batch;
  }

  private dispatch(): void {
    const batch = this.takeBatch();
    this.running++;
    this.counters.batches++;
    this.counters.frames += batch.length;
    this.counters.histogram[batch.length] = (this.counters.histogram[batch.length] ?? 0) + 1;
    const started = performance.now();
    Promise.resolve()
      .then(() => this.run(batch.map((f) => f.input)))
      .then(
        (outputs) => {
          if (!Array.isArray(outputs) || outputs.length !== batch.length) {
            const got = Array.isArray(outputs) ? outputs.length : typeof outputs;
            throw new Error(`the batch function returned ${got} outputs for ${batch.length} inputs`);
          }
          batch.forEach((frame, i) => this.complete(frame, { ok: true, value: outputs[i] }));
        },
      )
      .catch((error: unknown) => {
        this.counters.failedBatches++;
        for (const frame of batch) this.complete(frame, { ok: false, error });
      })
      .finally(() => {
        this.counters.runMs += performance.now() - started;
        this.running--;
        if (this.running === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
        this.schedule();
      });
  }

  /** Records a frame's outcome and delivers every result of its job that is now next in order. */
  private complete(frame: Frame<I, O>, outcome: Outcome<O>): void {
    if (frame.settled) return; // its job was closed while the batch ran
    frame.outcome = outcome;
    const { job } = frame;
    let next: Frame<I, O> | undefined;
    while ((next = job.unsettled.get(job.nextDeliver)) !== undefined && next.outcome !== undefined) {
      job.unsettled.delete(job.nextDeliver);
      job.nextDeliver++;
      this.settle(next, next.outcome, false);
    }
    this.admitWaiting(job);
    if (job.roomWaiters.length > 0 && this.hasRoom(job)) job.roomWaiters.splice(0).forEach((resolve) => resolve());
    if (job.unsettled.size === 0 && this.jobs.get(job.id) === job) this.jobs.delete(job.id);
  }

  /** Moves waiting submits of a job into its queue while it has room. */
  private admitWaiting(job: JobState<I, O>): void {
    let admitted = false;
    while (job.waiting.length > 0 && job.unsettled.size - job.waiting.length < this.maxQueuedPerJob) {
      this.waitingForRoom--;
      this.enqueue(job.waiting.shift() as Frame<I, O>);
      admitted = true;
    }
    if (admitted) this.schedule();
  }

  private settle(frame: Frame<I, O>, outcome: Outcome<O>, deliberate: boolean): void {
    if (frame.settled) return;
    frame.settled = true;
    // Rejections caused by closeJob()/close() are deliberate: a caller that stopped awaiting an
    // aborted job's frames must not crash the process with an unhandled rejection.
    if (deliberate) frame.promise.catch(noop);
    if (outcome.ok) frame.resolve(outcome.value);
    else frame.reject(outcome.error);
  }

  private removeJob(job: JobState<I, O>): void {
    if (this.jobs.get(job.id) === job) this.jobs.delete(job.id);
    const index = this.active.indexOf(job);
    if (index >= 0) {
      this.active.splice(index, 1);
      if (index < this.cursor) this.cursor--;
    }
    this.queued -= job.queue.length;
    this.waitingForRoom -= job.waiting.length;
    job.queue.length = 0;
    job.waiting.length = 0;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
