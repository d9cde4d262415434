import { Controller, Headers, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { StripeWebhooksService, type WebhookOutcome } from './stripe-webhooks.service.js';

/**
 * Stripe calls this; no API key: the Stripe-Signature header is checked against the raw body, which
 * Nest keeps because the app is created with `rawBody: true` (main.ts and test/support/app.ts).
 */
@ApiExcludeController()
@Controller('v1/billing/webhooks')
export class StripeWebhooksController {
  constructor(private readonly webhooks: StripeWebhooksService) {}

  @Post('stripe')
  @HttpCode(200)
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('stripe-signature') signature: string | undefined): Promise<WebhookOutcome> {
    return this.webhooks.handle(req.rawBody, signature);
  }
}
