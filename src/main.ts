import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ConfigError, loadEnv } from './config/env.js';

async function bootstrap(): Promise<void> {
  const env = loadEnv();
  const app = await NestFactory.create(AppModule, { logger: env.logLevel === 'silent' ? false : undefined });
  app.enableShutdownHooks();
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
