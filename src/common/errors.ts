/**
 * Domain errors: services throw these, one filter (error.filter.ts) turns them into
 * `{ "error": { "code", "message" } }` with the status below. No Nest types here.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

export class BadRequestError extends DomainError {
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(code: string, message: string) {
    super(401, code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** 413: the upload itself is over a limit (size or duration); retrying the same file will not help. */
export class PayloadTooLargeError extends DomainError {
  constructor(code: string, message: string) {
    super(413, code, message);
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

/** 422: well-formed request, but the content cannot be used (not a video, too high a resolution). */
export class UnprocessableError extends DomainError {
  constructor(code: string, message: string) {
    super(422, code, message);
  }
}

/** 402: the account cannot start paid work (billing past due). */
export class PaymentRequiredError extends DomainError {
  constructor(message: string) {
    super(402, 'payment_required', message);
  }
}

/** 429: over a rate or a quota that frees up with time; Retry-After says when to try again. */
export class TooManyRequestsError extends DomainError {
  constructor(code: string, message: string, retryAfterSec: number) {
    super(429, code, message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSec))) });
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(code: string, message: string) {
    super(503, code, message);
  }
}
