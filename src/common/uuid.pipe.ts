import { Inject, Injectable, Optional, type PipeTransform } from '@nestjs/common';
import { NotFoundError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A path id that is not a UUID names nothing: 404, like an id of another tenant.
 * `new UuidPipe('job')` names the resource; `UuidPipe` as a class (Nest builds it) says "resource".
 */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  private readonly what: string;

  constructor(@Optional() @Inject('UUID_PIPE_RESOURCE') what?: string) {
    this.what = what ?? 'resource';
  }

  transform(value: string): string {
    if (!UUID.test(value)) throw new NotFoundError(this.what);
    return value.toLowerCase();
  }
}
