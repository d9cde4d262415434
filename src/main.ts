import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { ConfigError, loadEnv } from './config/env.js';
import { preflight } from './config/preflight.js';

async function bootstrap(): Promise<void> {
  const env = loadEnv();
  await preflight(env); // Postgres and Redis reachable, or a message naming the URL and variable to fix
  const app = await NestFactory.create(AppModule, { bufferLogs: true, rawBody: true, logger: env.logLevel === 'silent' ? false : undefined });
  configureApp(app);
  // Behind a load balancer req.ip is the balancer's unless its X-Forwarded-For hops are trusted.
  if (env.trustProxy > 0) (app.getHttpAdapter().getInstance() as { set(key: string, value: unknown): void }).set('trust proxy', env.trustProxy);
  // A listen backlog above Node's 511, so a burst of 1,000 new connections is not dropped into SYN retries.
  await app.listen({ port: env.port, backlog: 2048 } as unknown as number);
}

bootstrap().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`tally: configuration error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`tally: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
