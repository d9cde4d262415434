import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { Readable } from 'node:stream';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { ANALYSIS_ENGINE, type AnalysisEngine } from '../jobs/analysis-engine.js';
import { runsWorker } from '../jobs/analysis.worker.js';
import { REDIS } from '../redis/redis.module.js';
import { OBJECT_STORAGE, type ObjectStorage } from '../storage/storage.js';

/** Readiness: the database and Redis answer, storage takes a write, and (worker role) the model is loaded. */
@Controller()
export class ReadinessController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(ANALYSIS_ENGINE) private readonly engine: AnalysisEngine,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  @Get('readyz')
  async readyz(@Res() res: Response): Promise<void> {
    const probeKey = `health/${process.pid}`;
    const checks: HealthIndicatorFunction[] = [
      () => this.db.pingCheck('database').withTimeout(2000),
      () => this.indicators.check('redis').attempt(async () => void (await this.redis.ping())).withTimeout(2000),
      () =>
        this.indicators
          .check('storage')
          .attempt(async () => {
            await this.storage.put(probeKey, Readable.from([Buffer.from('ok')]));
            await this.storage.delete(probeKey);
            return { kind: this.storage.kind };
          })
          .withTimeout(5000)
          .cacheFor(10_000),
    ];
    if (runsWorker(this.env)) {
      checks.push(() =>
        this.engine.modelLoaded
          ? this.indicators.check('model').up({ executionProvider: this.engine.executionProvider, precision: this.engine.inference()?.precision })
          : this.indicators.check('model').down('model not loaded yet'),
      );
    }
    try {
      res.json(await this.health.check(checks));
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {}).join(', ');
      res.status(503).json({ error: { code: 'not_ready', message: `not ready: ${down}` }, ...result });
    }
  }
}
