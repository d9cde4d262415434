import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { RequestWithTenant } from './tenant-context.js';

/** Rate limits per API key (many clients of one tenant may share an IP, and one IP may carry many tenants). */
@Injectable()
export class TenantThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const tenant = (req as RequestWithTenant).tenant;
    return tenant ? `key:${tenant.apiKeyId}` : `ip:${String(req.ip)}`;
  }
}
