import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiKeyGuard } from './api-key.guard.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/** For customer API controllers: API key first, then the per-key rate limit. */
export const ApiKeyAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(UseGuards(ApiKeyGuard, RateLimitGuard), ApiBearerAuth());
