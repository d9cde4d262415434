import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { InputError } from '../analysis/errors.js';
import { DomainError } from './errors.js';

export interface ErrorBody {
  error: { code: string; message: string };
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Nest's HttpException body: a string, or { message: string | string[] } (ValidationPipe). */
function httpMessage(err: HttpException): string {
  const body = err.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : err.message;
}

/** Maps an error to status, body and headers; pure, so it is unit-tested. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof DomainError) return { status: err.status, body: { error: { code: err.code, message: err.message } }, headers: err.headers };
  // A file the analysis core cannot use: the client's fault, not retryable.
  if (err instanceof InputError) return { status: 422, body: { error: { code: err.code, message: err.message } }, headers: {} };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const validation = status === 400 && typeof body === 'object' && Array.isArray((body as { message?: unknown }).message);
    const code = validation ? 'validation_failed' : (CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'error'));
    return { status, body: { error: { code, message: httpMessage(err) } }, headers: {} };
  }
  // body-parser errors carry status and type (e.g. entity.too.large, entity.parse.failed).
  const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: { code: CODE_BY_STATUS[status] ?? 'bad_request', message: e.message ?? 'bad request' } }, headers: {} };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } }, headers: {} };
}

/** The one place where errors become HTTP answers: `{ "error": { "code", "message" } }`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body, headers } = toErrorResponse(err);
    if (status >= 500) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).set(headers).json(body);
  }
}
