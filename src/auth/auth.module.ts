import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeysService } from './api-keys.service.js';
import { TenantThrottlerGuard } from './tenant-throttler.guard.js';

/** Global so that any domain module's controller can use @ApiKeyAuth(). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([ApiKey]),
    // In-memory counters: per API process (a shared Redis store would make it per fleet).
    ThrottlerModule.forRootAsync({
      inject: [TALLY_ENV],
      useFactory: (env: TallyEnv) => [{ name: 'per-minute', ttl: 60_000, limit: env.rateLimitPerMinute }],
    }),
  ],
  providers: [ApiKeysService, ApiKeyGuard, TenantThrottlerGuard],
  exports: [ApiKeysService, ApiKeyGuard, TenantThrottlerGuard],
})
export class AuthModule {}
