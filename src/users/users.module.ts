import { Module } from '@nestjs/common';
import { PasswordResetsService } from './password-resets.service.js';

/** Portal users' account operations shared by the portal (customers) and the admin panel (support staff). */
@Module({ providers: [PasswordResetsService], exports: [PasswordResetsService] })
export class UsersModule {}
