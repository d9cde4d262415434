import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { DataSource } from 'typeorm';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { NotFoundError } from '../common/errors.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { QuotasService } from '../quotas/quotas.service.js';
import type { Limits } from '../quotas/limits.js';
import { parseUploadOptions } from '../uploads/upload-options.js';

export class WebhookSettingsDto {
  @ApiProperty({ nullable: true, description: "Default callback URL for jobs submitted without one; '' or null to clear" })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string | null;
}

export interface WebhookSettingsView {
  url: string | null;
  /** The signing secret's first characters; GET /v1/settings/webhook/secret reveals it whole. */
  secretHint: string;
}

const hint = (secret: string) => `${secret.slice(0, 10)}…`;

/** Tenant settings the portal edits: the default webhook URL and its signing secret (reveal, rotate); the limits. */
@ApiTags('settings')
@ApiKeyAuth()
@Controller('v1')
export class PortalSettingsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly quotas: QuotasService,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  private async tenantRow(tenantId: string): Promise<{ webhook_url: string | null; webhook_secret: string }> {
    const [row] = (await this.db.query('SELECT webhook_url, webhook_secret FROM tenants WHERE id = $1', [tenantId])) as { webhook_url: string | null; webhook_secret: string }[];
    if (!row) throw new NotFoundError('tenant');
    return row;
  }

  @Get('settings/webhook')
  @ApiOperation({ summary: 'The default webhook URL and a hint of the signing secret' })
  async webhook(@CurrentTenant() t: TenantContext): Promise<WebhookSettingsView> {
    const row = await this.tenantRow(t.tenantId);
    return { url: row.webhook_url, secretHint: hint(row.webhook_secret) };
  }

  @Put('settings/webhook')
  @ApiOperation({ summary: 'Set (or clear) the default webhook URL' })
  async setWebhook(@CurrentTenant() t: TenantContext, @Body() dto: WebhookSettingsDto): Promise<WebhookSettingsView> {
    const url = dto.url ? (parseUploadOptions({ callbackUrl: dto.url }, { allowPrivateCallbacks: this.env.webhookAllowPrivate }).callbackUrl ?? null) : null; // same rules as a job's callbackUrl
    await this.db.query('UPDATE tenants SET webhook_url = $2, updated_at = now() WHERE id = $1', [t.tenantId, url]);
    return this.webhook(t);
  }

  @Get('settings/webhook/secret')
  @ApiOperation({ summary: 'Reveal the webhook signing secret (HMAC-SHA256 key of the Tally-Signature header)' })
  async secret(@CurrentTenant() t: TenantContext): Promise<{ secret: string }> {
    return { secret: (await this.tenantRow(t.tenantId)).webhook_secret };
  }

  @Post('settings/webhook/secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the signing secret: deliveries from now on are signed with the new one' })
  async rotate(@CurrentTenant() t: TenantContext): Promise<{ secret: string }> {
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected] = (await this.db.query('UPDATE tenants SET webhook_secret = $2, updated_at = now() WHERE id = $1', [t.tenantId, secret])) as [unknown[], number];
    if (!affected) throw new NotFoundError('tenant');
    return { secret };
  }

  @Get('limits')
  @ApiOperation({ summary: "The tenant's effective limits (plan with overrides) and this month's analysed minutes" })
  async limits(@CurrentTenant() t: TenantContext): Promise<Limits & { videoMinutesThisMonth: number }> {
    const limits = await this.quotas.limitsFor(t.tenantId);
    return { ...limits, videoMinutesThisMonth: Math.round((await this.quotas.videoSecondsThisMonth(t.tenantId)) / 6) / 10 };
  }
}
