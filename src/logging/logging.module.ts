import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';

/** pino JSON logs with a request id per request (X-Request-Id in, echoed back), level from TALLY_LOG_LEVEL. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [TALLY_ENV],
      useFactory: (env: TallyEnv) => ({
        pinoHttp: {
          level: env.logLevel,
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const given = req.headers['x-request-id'];
            const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
            res.setHeader('X-Request-Id', id);
            return id;
          },
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          customProps: () => ({ role: env.role }),
          // Polling endpoints would drown the log: successful GETs log at debug.
          customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) =>
            err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : req.method === 'GET' ? 'debug' : 'info',
        },
      }),
    }),
  ],
})
export class LoggingModule {}
