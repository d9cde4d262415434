import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Report } from '../analysis/report.types.js';
import type { Job } from './job.entity.js';

/** Runs inside the transaction that marks a job succeeded (e.g. billing writes its ledger row there). */
export type SucceededHook = (tx: EntityManager, job: Job, report: Report) => Promise<void>;

/** Extension point for other modules; register in onModuleInit. */
@Injectable()
export class JobLifecycle {
  private readonly succeeded: SucceededHook[] = [];

  onSucceeded(hook: SucceededHook): void {
    this.succeeded.push(hook);
  }

  async runSucceeded(tx: EntityManager, job: Job, report: Report): Promise<void> {
    for (const hook of this.succeeded) await hook(tx, job, report);
  }
}
