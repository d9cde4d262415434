import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/** Global so that any domain module's controller can use @ApiKeyAuth(). */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyGuard, RateLimitGuard],
  exports: [ApiKeysService, ApiKeyGuard, RateLimitGuard],
})
export class AuthModule {}
