import type { Readable } from 'node:stream';

/** Injection token of the ObjectStorage in use (TALLY_STORAGE=local|gcs). */
export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');

export interface SignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: Date;
}

/** A file on this machine's disk holding an object, for ffprobe and ffmpeg; call release() when done. */
export interface LocalCopy {
  path: string;
  release(): Promise<void>;
}

/** Where source videos are kept. Keys are `tenants/{tenantId}/videos/{videoId}` (see storage-keys.ts). */
export interface ObjectStorage {
  readonly kind: 'local' | 'gcs';
  put(key: string, body: Readable): Promise<void>;
  /** Stores a local file, moving it when possible (the file is gone afterwards). */
  putFile(key: string, localPath: string): Promise<void>;
  /** Rejects with ObjectNotFoundError when absent. */
  get(key: string): Promise<Readable>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** A path ffmpeg can read: the file itself on local disk, a downloaded temp copy for GCS. */
  localCopy(key: string): Promise<LocalCopy>;
  /** V4 signed PUT URL (GCS only; local storage answers undefined and the API serves its own PUT endpoint). */
  signedUploadUrl(key: string, options: { expiresInSec: number; contentType: string }): Promise<SignedUpload | undefined>;
}

export class ObjectNotFoundError extends Error {
  constructor(key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}
