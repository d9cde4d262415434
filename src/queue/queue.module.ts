import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { QUEUES } from './queue.constants.js';

/** Bull on REDIS_URL with TALLY_QUEUE_PREFIX; the queues are injectable with @InjectQueue(QUEUES.x). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [TALLY_ENV],
      useFactory: (env: TallyEnv) => ({
        url: env.redisUrl,
        prefix: env.queuePrefix,
        settings: {
          // A worker that dies (SIGKILL, OOM) stops renewing its lock; after this long another worker takes the job back.
          lockDuration: env.jobLockSeconds * 1000,
          lockRenewTime: (env.jobLockSeconds * 1000) / 2,
          stalledInterval: env.jobLockSeconds * 1000,
          maxStalledCount: 2,
        },
      }),
    }),
    BullModule.registerQueue({ name: QUEUES.analysis }, { name: QUEUES.webhooks }, { name: QUEUES.maintenance }, { name: QUEUES.billing }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
