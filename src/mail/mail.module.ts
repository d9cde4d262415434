import { Global, Module } from '@nestjs/common';
import { Mailer } from './mailer.js';

/** Outgoing mail, for any module that needs it. */
@Global()
@Module({ providers: [Mailer], exports: [Mailer] })
export class MailModule {}
