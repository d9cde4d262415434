import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Storage, type Bucket, type StorageOptions } from '@google-cloud/storage';
import { ObjectNotFoundError, type LocalCopy, type ObjectStorage, type SignedUpload } from './storage.js';
import { assertSafeKey } from './storage-keys.js';

export interface GcsStorageOptions {
  bucket: string;
  /** A custom endpoint (emulator, tests); unauthenticated unless credentials are given. */
  apiEndpoint?: string;
  /** Service-account credentials; otherwise Application Default Credentials. */
  credentials?: { client_email: string; private_key: string };
  /** Path of a service-account JSON key file (alternative to credentials). */
  keyFilename?: string;
  projectId?: string;
}

const isNotFound = (err: unknown): boolean => (err as { code?: number }).code === 404;

/** Objects in a Google Cloud Storage bucket, through @google-cloud/storage. */
export class GcsStorage implements ObjectStorage {
  readonly kind = 'gcs' as const;
  private readonly bucket: Bucket;

  constructor(options: GcsStorageOptions) {
    const storageOptions: StorageOptions = { projectId: options.projectId, credentials: options.credentials, keyFilename: options.keyFilename };
    if (options.apiEndpoint) storageOptions.apiEndpoint = options.apiEndpoint;
    this.bucket = new Storage(storageOptions).bucket(options.bucket);
  }

  async put(key: string, body: Readable): Promise<void> {
    assertSafeKey(key);
    // Single-request multipart upload: videos are bounded by the plan's size cap; resumable sessions add a round trip.
    await pipeline(body, this.bucket.file(key).createWriteStream({ resumable: false, contentType: 'application/octet-stream' }));
  }

  async putFile(key: string, localPath: string): Promise<void> {
    assertSafeKey(key);
    await this.bucket.upload(localPath, { destination: key, resumable: false, contentType: 'application/octet-stream' });
    await rm(localPath, { force: true });
  }

  async get(key: string): Promise<Readable> {
    assertSafeKey(key);
    if (!(await this.exists(key))) throw new ObjectNotFoundError(key);
    return this.bucket.file(key).createReadStream();
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.bucket.file(key).delete({ ignoreNotFound: true });
  }

  async exists(key: string): Promise<boolean> {
    assertSafeKey(key);
    try {
      const [exists] = await this.bucket.file(key).exists();
      return exists;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async localCopy(key: string): Promise<LocalCopy> {
    assertSafeKey(key);
    const file = path.join(tmpdir(), `tally-${randomUUID()}`);
    try {
      await pipeline(await this.get(key), createWriteStream(file));
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    return { path: file, release: () => rm(file, { force: true }) };
  }

  async signedUploadUrl(key: string, options: { expiresInSec: number; contentType: string }): Promise<SignedUpload> {
    assertSafeKey(key);
    const expiresAt = new Date(Date.now() + options.expiresInSec * 1000);
    const [url] = await this.bucket.file(key).getSignedUrl({ version: 'v4', action: 'write', expires: expiresAt, contentType: options.contentType });
    return { url, method: 'PUT', headers: { 'Content-Type': options.contentType }, expiresAt };
  }
}
