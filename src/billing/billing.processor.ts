import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { BILLING_JOBS, billingRepeatOptions, QUEUES } from '../queue/queue.constants.js';
import { OutboxDispatcher, type DispatchResult } from './outbox-dispatcher.service.js';
import { ReconciliationService } from './reconciliation.service.js';
import { StripeGateway } from './stripe.gateway.js';

/**
 * The `billing` queue's repeatable jobs, on worker processes (TALLY_ROLE worker or all) when Stripe is
 * configured: the outbox dispatcher every TALLY_BILLING_DISPATCH_EVERY_SECONDS and the reconciliation
 * every TALLY_BILLING_RECONCILE_EVERY_MINUTES. Several workers may run a dispatch at once: rows are
 * claimed with SKIP LOCKED, so each row has one sender.
 */
@Injectable()
export class BillingProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(BillingProcessor.name);

  constructor(
    @InjectQueue(QUEUES.billing) private readonly queue: Queue,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly stripe: StripeGateway,
    private readonly dispatcher: OutboxDispatcher,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.role === 'api') return;
    if (!this.stripe.enabled) {
      this.logger.log('billing: ledger-only mode (no STRIPE_SECRET_KEY): usage is recorded and shown, not sent to Stripe');
      return;
    }
    const b = this.env.billing;
    await this.queue.add(BILLING_JOBS.dispatch, {}, billingRepeatOptions(BILLING_JOBS.dispatch, b.dispatchEverySeconds * 1000));
    await this.queue.add(BILLING_JOBS.reconcile, {}, billingRepeatOptions(BILLING_JOBS.reconcile, b.reconcileEveryMinutes * 60_000));
    void this.queue.process(BILLING_JOBS.dispatch, 1, (): Promise<DispatchResult> => this.dispatcher.runOnce());
    void this.queue.process(BILLING_JOBS.reconcile, 1, async () => (await this.reconciliation.runOnce()).length);
  }
}
