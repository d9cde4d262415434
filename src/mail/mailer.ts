import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Tally's outgoing mail over SMTP (nodemailer), when TALLY_SMTP_URL is set. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport?: Transporter;

  constructor(@Inject(TALLY_ENV) private readonly env: TallyEnv) {
    if (env.smtpUrl) this.transport = nodemailer.createTransport(env.smtpUrl);
  }

  /** Whether mail can be sent at all (TALLY_SMTP_URL set). */
  get enabled(): boolean {
    return this.transport !== undefined;
  }

  async send(message: MailMessage): Promise<void> {
    if (!this.transport) throw new Error('mail is not configured (TALLY_SMTP_URL)');
    const info = (await this.transport.sendMail({ from: this.env.mailFrom, ...message })) as { messageId?: string };
    this.logger.log(`mail "${message.subject}" sent (${info.messageId ?? 'no id'})`);
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
