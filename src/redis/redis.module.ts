import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';

/** A plain ioredis connection for commands and publishing (not Bull's). */
export const REDIS = Symbol('REDIS');

/** Opens extra connections (subscribers need their own). */
export const REDIS_FACTORY = Symbol('REDIS_FACTORY');
export type RedisFactory = () => Redis;

const logger = new Logger('Redis');

/** ioredis reconnects by itself; without a listener its errors would print as "Unhandled error event". */
function withErrorLog(redis: Redis): Redis {
  redis.on('error', (err: Error) => logger.warn(`redis: ${err.message}`));
  return redis;
}

@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [TALLY_ENV], useFactory: (env: TallyEnv) => withErrorLog(new Redis(env.redisUrl, { maxRetriesPerRequest: 3 })) },
    { provide: REDIS_FACTORY, inject: [TALLY_ENV], useFactory: (env: TallyEnv): RedisFactory => () => withErrorLog(new Redis(env.redisUrl)) },
  ],
  exports: [REDIS, REDIS_FACTORY],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
