import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ServiceUnavailableError } from '../common/errors.js';
import { Tenant } from '../tenants/tenant.entity.js';
import type { InvoiceListView } from './billing.dto.js';
import { StripeGateway, stripeErrorMessage } from './stripe.gateway.js';

/** How many invoices GET /v1/invoices shows: two years of monthly invoices. */
const INVOICES_SHOWN = 24;

@Injectable()
export class InvoicesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeGateway,
  ) {}

  async list(tenantId: string): Promise<InvoiceListView> {
    if (!this.stripe.enabled) return { stripeEnabled: false, items: [] };
    const tenant = await this.db.getRepository(Tenant).findOneByOrFail({ id: tenantId });
    if (!tenant.stripeCustomerId) return { stripeEnabled: true, items: [] }; // no billable usage sent yet
    try {
      return { stripeEnabled: true, items: await this.stripe.listInvoices(tenant.stripeCustomerId, INVOICES_SHOWN) };
    } catch (err) {
      throw new ServiceUnavailableError('stripe_unavailable', `invoices could not be read from Stripe, try again later (${stripeErrorMessage(err)})`);
    }
  }
}
