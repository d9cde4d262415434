import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../common/errors.js';
import { can, type Permission } from './roles.js';
import { StaffAuthService } from './staff-auth.service.js';
import { staffOf } from './staff-session.js';

const PERMISSION = 'tally:staff-permission';
/** The permission a /v1/admin route needs (default: view). */
export const StaffPermission = (permission: Permission) => SetMetadata(PERMISSION, permission);

/**
 * For JSON routes under /v1/admin: 401 without a staff session (sign in at /admin/login), 403 when the
 * account was disabled since or its role lacks the route's permission. The session middleware runs
 * before it (AdminPanelModule.configure).
 */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(
    private readonly auth: StaffAuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const principal = staffOf(req);
    if (!principal) throw new UnauthorizedError('staff_session_required', 'sign in to the admin panel at /admin/login first');
    const staff = await this.auth.current(principal);
    if (!staff) throw new ForbiddenError('staff_disabled', 'this staff account is disabled');
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION, [ctx.getHandler(), ctx.getClass()]) ?? 'view';
    if (!can(staff, permission)) throw new ForbiddenError('forbidden', `your role (${staff.role}) cannot do this`);
    return true;
  }
}
