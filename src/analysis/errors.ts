/**
 * Errors the analysis core raises on purpose. The CLI maps them to exit codes
 * (usage 2, input 3, anything else 1) and the service to HTTP 4xx codes.
 */
export class InputError extends Error {
  /** A short machine-readable code, e.g. `no_video_stream`, `not_found`, `truncated`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'InputError';
    this.code = code;
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
