import type { Job, JobOptions, JobStatus } from './job.entity.js';

/** A job as the API shows it. */
export interface JobView {
  id: string;
  videoId: string;
  status: JobStatus;
  progress: number;
  error?: { code: string; message: string };
  attempts: number;
  options: JobOptions;
  createdAt: string;
  deadlineAt: string;
  startedAt?: string;
  finishedAt?: string;
  timings?: { wallMs: number | null; decodeMs: number | null; inferenceMs: number | null; framesAnalysed: number | null; fps: number | null };
}

export function toJobView(job: Job): JobView {
  const view: JobView = {
    id: job.id,
    videoId: job.videoId,
    status: job.status,
    progress: Math.round(job.progress * 1000) / 1000,
    attempts: job.attempts,
    options: job.options,
    createdAt: job.createdAt.toISOString(),
    deadlineAt: job.deadlineAt.toISOString(),
  };
  if (job.errorCode) view.error = { code: job.errorCode, message: job.errorMessage ?? job.errorCode };
  if (job.startedAt) view.startedAt = job.startedAt.toISOString();
  if (job.finishedAt) view.finishedAt = job.finishedAt.toISOString();
  if (job.status === 'succeeded') {
    view.timings = { wallMs: job.wallMs, decodeMs: job.decodeMs, inferenceMs: job.inferenceMs, framesAnalysed: job.framesAnalysed, fps: job.fps };
  }
  return view;
}
