import { Module } from '@nestjs/common';
import { PasswordResetsService } from './password-resets.service.js';
import { TeamController } from './team.controller.js';
import { TeamService } from './team.service.js';

/** Portal users: passwords (reset links, changes) and the tenant's team; shared with the admin panel. */
@Module({ controllers: [TeamController], providers: [PasswordResetsService, TeamService], exports: [PasswordResetsService] })
export class UsersModule {}
