import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';

/** What main.ts and the tests both apply to an app: logger, security headers, OpenAPI at /docs, shutdown hooks. */
export function configureApp(app: INestApplication): INestApplication {
  app.useLogger(app.get(Logger));
  // JSON and form bodies stay under Nest's default 100 kB limit; videos are streamed, never parsed as bodies.
  app.use(helmet());
  const config = new DocumentBuilder()
    .setTitle('Tally API')
    .setDescription('Count unique objects in videos. Authenticate with `Authorization: Bearer <API key>`.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
  app.enableShutdownHooks();
  return app;
}
