import type { Queue } from 'bull';
import type { Router } from 'express';

/**
 * Bull Board for Tally's queues at `basePath`. Read-only: the jobs table is the truth about a job, so a
 * retry or removal made in Bull alone would disagree with it; staff retry and cancel from the panel
 * (audited). Loaded with import() when the panel starts; the caller puts it behind the staff session.
 */
export async function bullBoardRouter(basePath: string, queues: Queue[]): Promise<Router> {
  const { createBullBoard } = await import('@bull-board/api');
  const { BullAdapter } = await import('@bull-board/api/bullAdapter');
  const { ExpressAdapter } = await import('@bull-board/express');
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({ queues: queues.map((q) => new BullAdapter(q, { readOnlyMode: true })), serverAdapter, options: { uiConfig: { boardTitle: 'Tally queues' } } });
  return serverAdapter.getRouter() as Router;
}
