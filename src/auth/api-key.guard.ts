import { type CanActivate, type ExecutionContext, Injectable, Optional } from '@nestjs/common';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../common/errors.js';
import { PortalSessions } from '../portal/portal-sessions.js';
import { bearerKey } from './api-key.js';
import { ApiKeysService } from './api-keys.service.js';
import type { RequestWithTenant } from './tenant-context.js';

/**
 * `Authorization: Bearer <API key>` → request.tenant. Unknown or revoked keys: 401; suspended tenants: 403.
 * Without a Bearer header, a portal session cookie is accepted instead (PortalSessions, with its CSRF check).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly apiKeys: ApiKeysService,
    @Optional() private readonly sessions?: PortalSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & RequestWithTenant>();
    const key = bearerKey(req.headers.authorization);
    if (!key && !req.headers.authorization && this.sessions) {
      const session = await this.sessions.authenticate(req);
      if (session) {
        if (session.status === 'suspended') throw new ForbiddenError('tenant_suspended', 'this account is suspended: contact support');
        req.tenant = session;
        return true;
      }
    }
    if (!key) throw new UnauthorizedError('unauthorized', 'missing API key: send Authorization: Bearer <API key>');
    const found = await this.apiKeys.authenticate(key);
    if (!found) throw new UnauthorizedError('unauthorized', 'invalid API key');
    if (found.revoked) throw new UnauthorizedError('api_key_revoked', 'this API key has been revoked');
    if (found.status === 'suspended') throw new ForbiddenError('tenant_suspended', 'this account is suspended: contact support');
    req.tenant = { tenantId: found.tenantId, apiKeyId: found.apiKeyId, status: found.status };
    return true;
  }
}
