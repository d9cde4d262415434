import { Body, Controller, Get, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, UnauthorizedError } from '../common/errors.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordResetsService } from '../users/password-resets.service.js';
import { PortalAuthService } from './portal-auth.service.js';
import { PasswordChangeDto, PasswordResetDto, PasswordResetRequestDto, SignInDto, SignUpDto, type MeView } from './portal-auth.dto.js';
import { checkCsrf, PortalSessions } from './portal-sessions.js';

/** The portal's sign-up, sign-in, sign-out and "who am I", on an HttpOnly session cookie. */
@ApiTags('portal')
@Controller('v1/auth')
export class PortalAuthController {
  private readonly logger = new Logger(PortalAuthController.name);

  constructor(
    private readonly auth: PortalAuthService,
    private readonly sessions: PortalSessions,
    private readonly throttle: LoginThrottle,
    private readonly passwords: PasswordResetsService,
  ) {}

  @Post('signup')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an account (a tenant on the free plan, its first user and API key) and sign in' })
  async signUp(@Body() dto: SignUpDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<MeView & { apiKey: string }> {
    checkCsrf(req);
    await this.throttle.signup(req.ip ?? '');
    const created = await this.auth.signUp(dto.email, dto.password, dto.company);
    res.setHeader('Set-Cookie', await this.sessions.create({ userId: created.user.id, tenantId: created.tenantId, email: created.user.email }));
    return { ...(await this.auth.me(created.user.id, created.tenantId)), apiKey: created.apiKey };
  }

  @Post('signin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; throttled per email and IP' })
  async signIn(@Body() dto: SignInDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<MeView> {
    checkCsrf(req);
    const ip = req.ip ?? '';
    await this.throttle.check(dto.email, ip);
    let user;
    try {
      user = await this.auth.signIn(dto.email, dto.password);
    } catch (err) {
      await this.throttle.failed(dto.email, ip);
      throw err;
    }
    await this.throttle.succeeded(dto.email, ip);
    res.setHeader('Set-Cookie', await this.sessions.create({ userId: user.id, tenantId: user.tenantId, email: user.email }));
    return this.auth.me(user.id, user.tenantId);
  }

  @Post('signout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session' })
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    checkCsrf(req);
    res.setHeader('Set-Cookie', await this.sessions.destroy(req));
  }

  @Post('password-reset-request')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Mail a password reset link (single use, 1 hour) to the account with this email, if there is one; the answer is the same either way',
  })
  async requestPasswordReset(@Body() dto: PasswordResetRequestDto, @Req() req: Request): Promise<{ message: string }> {
    checkCsrf(req);
    if (!this.passwords.selfServiceEnabled) {
      throw new DomainError(501, 'password_reset_by_email_unavailable', 'this Tally sends no mail: ask support for a password reset link');
    }
    await this.throttle.resetRequest(dto.email, req.ip ?? '');
    // Not awaited: the answer must not take longer for an existing account (no account discovery by timing).
    void this.passwords.requestByEmail(dto.email).catch((err: unknown) => this.logger.warn(`password reset mail: ${(err as Error).message}`));
    return { message: 'if an account uses this address, a reset link is on its way: it works once, for an hour' };
  }

  @Post('password-reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with a reset link from support (single use, 1 hour); ends every session of the user and signs in' })
  async resetPassword(@Body() dto: PasswordResetDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<MeView> {
    checkCsrf(req);
    const ip = req.ip ?? '';
    await this.throttle.check('password-reset', ip);
    let user;
    try {
      user = await this.passwords.reset(dto.token, dto.password);
    } catch (err) {
      if ((err as { code?: string }).code === 'reset_link_invalid') await this.throttle.failed('password-reset', ip);
      throw err;
    }
    res.setHeader('Set-Cookie', await this.sessions.create({ userId: user.userId, tenantId: user.tenantId, email: user.email }));
    return this.auth.me(user.userId, user.tenantId);
  }

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: "Change the signed-in user's password (the current one is required); ends their other sessions" })
  async changePassword(@Body() dto: PasswordChangeDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    checkCsrf(req);
    const found = await this.sessions.lookup(req);
    if (!found) throw new UnauthorizedError('not_signed_in', 'not signed in');
    const { session } = found;
    const ip = req.ip ?? '';
    await this.throttle.check(session.email, ip);
    try {
      await this.passwords.change(session.userId, dto.currentPassword, dto.newPassword);
    } catch (err) {
      if ((err as { code?: string }).code === 'invalid_credentials') await this.throttle.failed(session.email, ip);
      throw err;
    }
    // Every session from before the change is void now, this one included: start a new one for this browser.
    await this.sessions.destroy(req);
    res.setHeader('Set-Cookie', await this.sessions.create({ userId: session.userId, tenantId: session.tenantId, email: session.email }));
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user, their tenant, its upload limits and storage kind' })
  async me(@Req() req: Request): Promise<MeView> {
    const found = await this.sessions.lookup(req);
    if (!found) throw new UnauthorizedError('not_signed_in', 'not signed in');
    return this.auth.me(found.session.userId, found.session.tenantId);
  }
}
