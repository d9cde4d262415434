import type { JobOptions } from '../jobs/job.entity.js';
import { BadRequestError } from '../common/errors.js';
import { blockedUrlReason } from '../webhooks/destination.js';

export interface ParsedOptions {
  options: JobOptions;
  callbackUrl?: string;
}

type Raw = Record<string, string | number | undefined | null>;

/**
 * Validates the client's analysis options (form fields or JSON); pure, so unit-tested. A callbackUrl must
 * name a public host unless `allowPrivateCallbacks` (TALLY_WEBHOOK_ALLOW_PRIVATE).
 */
export function parseUploadOptions(raw: Raw, { allowPrivateCallbacks = false }: { allowPrivateCallbacks?: boolean } = {}): ParsedOptions {
  const options: JobOptions = {};
  const present = (v: unknown) => v !== undefined && v !== null && v !== '';
  if (present(raw.stride)) {
    const stride = Number(raw.stride);
    if (!Number.isInteger(stride) || stride < 1 || stride > 1000) throw new BadRequestError('validation_failed', 'stride must be a whole number from 1 to 1000');
    options.stride = stride;
  }
  if (present(raw.analysisFps)) {
    const fps = Number(raw.analysisFps);
    if (!Number.isFinite(fps) || fps <= 0 || fps > 1000) throw new BadRequestError('validation_failed', 'analysisFps must be a number above 0 and at most 1000');
    options.analysisFps = fps;
  }
  if (options.stride !== undefined && options.analysisFps !== undefined) {
    throw new BadRequestError('validation_failed', 'give stride or analysisFps, not both');
  }
  let callbackUrl: string | undefined;
  if (present(raw.callbackUrl)) {
    const value = String(raw.callbackUrl);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new BadRequestError('validation_failed', 'callbackUrl must be an absolute http(s) URL');
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || value.length > 2048) {
      throw new BadRequestError('validation_failed', 'callbackUrl must be an absolute http(s) URL of at most 2048 characters');
    }
    const blocked = allowPrivateCallbacks ? null : blockedUrlReason(url);
    if (blocked) throw new BadRequestError('callback_url_not_public', `callbackUrl must point to a public host on the internet: ${blocked}`);
    callbackUrl = value;
  }
  return { options, callbackUrl };
}

/** Idempotency-Key header: 1–200 visible ASCII characters. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) throw new BadRequestError('invalid_idempotency_key', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  return value;
}
