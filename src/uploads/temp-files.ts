import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';

/** Incoming files land here first. With local storage it sits inside the storage root, so storing is a rename. */
@Injectable()
export class TempFiles {
  private readonly dir: string;
  private ready?: Promise<unknown>;

  constructor(@Inject(TALLY_ENV) env: TallyEnv) {
    this.dir = env.storage === 'local' ? path.resolve(env.storageDir, 'tmp') : path.join(tmpdir(), 'tally-uploads');
  }

  async newPath(): Promise<string> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    return path.join(this.dir, `${randomUUID()}.upload`);
  }
}
