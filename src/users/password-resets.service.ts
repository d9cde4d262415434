import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BadRequestError, NotFoundError, UnauthorizedError } from '../common/errors.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { Mailer } from '../mail/mailer.js';
import { hashPassword, passwordProblem, verifyPassword } from '../portal/passwords.js';

/** How long a reset link works. */
export const RESET_LINK_MINUTES = 60;

export interface ResetLink {
  /** `{publicUrl}/reset-password#token=…`: the token sits in the fragment, which browsers never send to a server. */
  url: string;
  email: string;
  expiresAt: Date;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * When a password changed, by this process's clock: sessions record their start with the same clock
 * (PortalSessions), so a session started right after the change is never taken for an older one, whatever
 * the database server's clock says.
 */
const changedAt = (): Date => new Date();

/**
 * Password changes for portal users. A reset link is issued by support staff (from the admin panel, to a
 * customer who proved who they are, e.g. from their account email); it is single-use, expires after an
 * hour, and a newer link voids older ones. Any password change ends every session the user had.
 */
@Injectable()
export class PasswordResetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly mailer: Mailer,
  ) {}

  /** Whether people can ask for a reset link by email (outgoing mail is configured). */
  get selfServiceEnabled(): boolean {
    return this.mailer.enabled;
  }

  /**
   * Self-service: mails a reset link to the account with this email, if there is one. Says nothing either
   * way (the caller answers the same to everyone, before this finishes), so it cannot tell who has an account.
   */
  async requestByEmail(emailRaw: string): Promise<boolean> {
    const email = emailRaw.trim().toLowerCase();
    const [user] = (await this.db.query('SELECT id FROM users WHERE lower(email) = $1', [email])) as { id: string }[];
    if (!user) return false;
    const link = await this.createLink(user.id, 'self-service');
    const until = link.expiresAt.toISOString().slice(11, 16);
    await this.mailer.send({
      to: link.email,
      subject: 'Reset your Tally password',
      text: [
        'Someone (we hope you) asked to reset the password of your Tally account.',
        '',
        `Choose a new password here (the link works once, until ${until} UTC):`,
        link.url,
        '',
        'If it was not you, ignore this mail: your password stays as it is.',
      ].join('\n'),
      html: `<p>Someone (we hope you) asked to reset the password of your Tally account.</p><p><a href="${link.url}">Choose a new password</a> (the link works once, until ${until} UTC).</p><p>If it was not you, ignore this mail: your password stays as it is.</p>`,
    });
    return true;
  }

  /** A single-use link to set the user's password; `validMinutes` longer for an invitation. */
  async createLink(userId: string, createdBy: string, validMinutes = RESET_LINK_MINUTES): Promise<ResetLink> {
    const [user] = (await this.db.query('SELECT email FROM users WHERE id = $1', [userId])) as { email: string }[];
    if (!user) throw new NotFoundError('user');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + validMinutes * 60_000);
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [userId]);
      await tx.query('INSERT INTO password_reset_tokens (user_id, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4)', [userId, hashToken(token), createdBy, expiresAt]);
    });
    return { url: `${this.env.publicUrl}/reset-password#token=${token}`, email: user.email, expiresAt };
  }

  /** Sets a new password with a reset link's token; the token is used up. Returns the user. */
  async reset(token: string, password: string): Promise<{ userId: string; tenantId: string; email: string }> {
    const invalid = () => new BadRequestError('reset_link_invalid', 'this reset link is not valid any more (it expires after an hour and works once): ask support for a new one');
    if (!/^[\w-]{20,100}$/.test(token)) throw invalid();
    return this.db.transaction(async (tx) => {
      const [row] = (await tx.query(
        `SELECT t.id, u.id AS user_id, u.tenant_id, u.email FROM password_reset_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > now() FOR UPDATE OF t`,
        [hashToken(token)],
      )) as { id: string; user_id: string; tenant_id: string; email: string }[];
      if (!row) throw invalid();
      const problem = passwordProblem(password, row.email);
      if (problem) throw new BadRequestError('weak_password', problem);
      await tx.query('UPDATE password_reset_tokens SET used_at = now() WHERE id = $1', [row.id]);
      await tx.query('UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1', [row.user_id, await hashPassword(password), changedAt()]);
      return { userId: row.user_id, tenantId: row.tenant_id, email: row.email };
    });
  }

  /** A signed-in user changes their password, proving the current one. */
  async change(userId: string, current: string, next: string): Promise<void> {
    const [user] = (await this.db.query('SELECT email, password_hash FROM users WHERE id = $1', [userId])) as { email: string; password_hash: string | null }[];
    if (!user) throw new NotFoundError('user');
    if (!user.password_hash || !(await verifyPassword(current, user.password_hash))) throw new UnauthorizedError('invalid_credentials', 'the current password is wrong');
    const problem = passwordProblem(next, user.email);
    if (problem) throw new BadRequestError('weak_password', problem);
    if (current === next) throw new BadRequestError('weak_password', 'the new password must differ from the current one');
    await this.db.query('UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1', [userId, await hashPassword(next), changedAt()]);
  }
}
