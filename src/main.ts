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
  await app.listen(env.port);
}

bootstrap().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`tally: configuration error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`tally: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
