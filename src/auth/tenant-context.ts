import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { TenantStatus } from '../tenants/tenant.entity.js';

/** Who is calling: set by ApiKeyGuard; every query in a request is scoped by tenantId. */
export interface TenantContext {
  tenantId: string;
  /** The credential: an API key's id, or `user:<userId>` for a portal session (rate limits count per credential). */
  apiKeyId: string;
  status: TenantStatus;
  /** Set when a portal user signed in with a session cookie. */
  userId?: string;
}

export interface RequestWithTenant {
  tenant?: TenantContext;
}

/** The caller's tenant; only on routes behind ApiKeyGuard. */
export const CurrentTenant = createParamDecorator((_data: unknown, ctx: ExecutionContext): TenantContext => {
  const tenant = ctx.switchToHttp().getRequest<RequestWithTenant>().tenant;
  if (!tenant) throw new Error('CurrentTenant used on a route without ApiKeyGuard');
  return tenant;
});
