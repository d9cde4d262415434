import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { parsePeriod } from './billing-period.js';
import { InvoiceListView, UsageQuery, UsageView } from './billing.dto.js';
import { InvoicesService } from './invoices.service.js';
import { StripeGateway } from './stripe.gateway.js';
import { UsageLedgerService } from './usage-ledger.service.js';

@ApiTags('billing')
@ApiKeyAuth()
@Controller('v1')
export class UsageController {
  constructor(
    private readonly ledger: UsageLedgerService,
    private readonly invoices: InvoicesService,
    private readonly stripe: StripeGateway,
  ) {}

  @Get('usage')
  @ApiOperation({ summary: "The caller's usage in a calendar month (UTC), from the usage ledger, with the estimated overage charge" })
  @ApiOkResponse({ type: UsageView })
  async usage(@CurrentTenant() t: TenantContext, @Query() q: UsageQuery): Promise<UsageView> {
    const { tenantId: _tenantId, ...summary } = await this.ledger.summary(t.tenantId, parsePeriod(q.period));
    return { ...summary, stripeEnabled: this.stripe.enabled };
  }

  @Get('invoices')
  @ApiOperation({ summary: "The caller's Stripe invoices, newest first (empty, with stripeEnabled false, in ledger-only mode)" })
  @ApiOkResponse({ type: InvoiceListView })
  async list(@CurrentTenant() t: TenantContext): Promise<InvoiceListView> {
    return this.invoices.list(t.tenantId);
  }
}
