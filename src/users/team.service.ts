import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BadRequestError, ConflictError, NotFoundError, TooManyRequestsError } from '../common/errors.js';
import { Mailer } from '../mail/mailer.js';
import { PasswordResetsService } from './password-resets.service.js';
import { User } from './user.entity.js';

/** An invitation link works this long (the invitee sets their password with it). */
export const INVITATION_DAYS = 7;
/** Invitations one tenant may send a day (a brake on using Tally to send mail to strangers). */
export const INVITATIONS_PER_DAY = 25;

export interface TeamMember {
  id: string;
  email: string;
  createdAt: string;
  /** Invited, has not set a password yet. */
  pending: boolean;
}

export interface Invitation {
  member: TeamMember;
  /** True when the link went by mail; otherwise `link` is for the inviter to pass on (shown once). */
  mailed: boolean;
  link?: string;
  expiresAt: string;
}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: string }).code === '23505' || (err as { driverError?: { code?: string } }).driverError?.code === '23505';

/**
 * The people of a tenant: everyone signs in to the same jobs, keys and usage. A member invites others by
 * email: the invitee gets a link (by mail when Tally sends mail, otherwise through the inviter) to choose
 * a password; removing a member ends their sessions at once.
 */
@Injectable()
export class TeamService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly links: PasswordResetsService,
    private readonly mailer: Mailer,
  ) {}

  async list(tenantId: string): Promise<TeamMember[]> {
    const users = await this.db.getRepository(User).find({ where: { tenantId }, order: { createdAt: 'ASC' } });
    return users.map(toMember);
  }

  async invite(tenantId: string, emailRaw: string, invitedBy: string): Promise<Invitation> {
    const email = emailRaw.trim().toLowerCase();
    const [{ n }] = (await this.db.query(
      `SELECT count(*)::int AS n FROM password_reset_tokens t JOIN users u ON u.id = t.user_id
        WHERE u.tenant_id = $1 AND t.created_by LIKE 'invited by %' AND t.created_at > now() - interval '1 day'`,
      [tenantId],
    )) as { n: number }[];
    if (n >= INVITATIONS_PER_DAY) throw new TooManyRequestsError('too_many_invitations', `at most ${INVITATIONS_PER_DAY} invitations a day: try again tomorrow`, 3600);
    const users = this.db.getRepository(User);
    let user: User;
    try {
      user = await users.save(users.create({ tenantId, email, passwordHash: null }));
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('email_taken', 'an account with this email already exists');
      throw err;
    }
    const link = await this.links.createLink(user.id, `invited by ${invitedBy}`, INVITATION_DAYS * 24 * 60);
    const [tenant] = (await this.db.query('SELECT name FROM tenants WHERE id = $1', [tenantId])) as { name: string }[];
    const base = { member: toMember(user), expiresAt: link.expiresAt.toISOString() };
    if (!this.mailer.enabled) return { ...base, mailed: false, link: link.url };
    await this.mailer.send({
      to: email,
      subject: `${invitedBy} invited you to ${tenant.name} on Tally`,
      text: [
        `${invitedBy} invited you to count objects in videos with ${tenant.name} on Tally.`,
        '',
        `Choose your password here (the link works once, for ${INVITATION_DAYS} days):`,
        link.url,
      ].join('\n'),
      html: `<p>${escapeHtml(invitedBy)} invited you to count objects in videos with ${escapeHtml(tenant.name)} on Tally.</p><p><a href="${link.url}">Choose your password</a> (the link works once, for ${INVITATION_DAYS} days).</p>`,
    });
    return { ...base, mailed: true };
  }

  /** Removes a member of the tenant (not yourself): their sessions end with their account. */
  async remove(tenantId: string, userId: string, callerUserId: string | undefined): Promise<void> {
    if (userId === callerUserId) throw new BadRequestError('cannot_remove_self', 'you cannot remove yourself: ask another member');
    const result = await this.db.getRepository(User).delete({ id: userId, tenantId });
    if (!result.affected) throw new NotFoundError('member');
  }
}

function toMember(u: User): TeamMember {
  return { id: u.id, email: u.email, createdAt: u.createdAt.toISOString(), pending: u.passwordHash === null };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
