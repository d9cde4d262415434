import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { BillingAccountsService } from './billing-accounts.service.js';
import { BillingMetrics } from './billing-metrics.js';
import { BillingProcessor } from './billing.processor.js';
import { InvoicesService } from './invoices.service.js';
import { OutboxDispatcher } from './outbox-dispatcher.service.js';
import { ReconciliationService } from './reconciliation.service.js';
import { StripeWebhooksController } from './stripe-webhooks.controller.js';
import { StripeWebhooksService } from './stripe-webhooks.service.js';
import { StripeGateway } from './stripe.gateway.js';
import { UsageController } from './usage.controller.js';
import { UsageLedgerService } from './usage-ledger.service.js';

/**
 * Usage-based billing (issue 4): the usage ledger (written with each succeeded job), the outbox to Stripe
 * Billing meters, reconciliation, Stripe webhooks, GET /v1/usage and GET /v1/invoices.
 */
@Module({
  imports: [JobsModule],
  controllers: [UsageController, StripeWebhooksController],
  providers: [
    StripeGateway,
    UsageLedgerService,
    BillingAccountsService,
    BillingMetrics,
    OutboxDispatcher,
    ReconciliationService,
    StripeWebhooksService,
    InvoicesService,
    BillingProcessor,
  ],
  exports: [UsageLedgerService, ReconciliationService, StripeGateway, BillingAccountsService],
})
export class BillingModule {}
