import { Global, Module } from '@nestjs/common';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { GcsStorage } from './gcs.storage.js';
import { LocalStorage } from './local.storage.js';
import { OBJECT_STORAGE, type ObjectStorage } from './storage.js';

export function createStorage(env: TallyEnv): ObjectStorage {
  return env.storage === 'gcs'
    ? new GcsStorage({ bucket: env.gcsBucket, apiEndpoint: env.gcsApiEndpoint || undefined, keyFilename: env.gcsKeyFile || undefined })
    : new LocalStorage(env.storageDir);
}

@Global()
@Module({
  providers: [{ provide: OBJECT_STORAGE, inject: [TALLY_ENV], useFactory: createStorage }],
  exports: [OBJECT_STORAGE],
})
export class StorageModule {}
