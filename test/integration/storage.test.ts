import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GcsStorage } from '../../src/storage/gcs.storage.js';
import { LocalStorage } from '../../src/storage/local.storage.js';
import { ObjectNotFoundError, type ObjectStorage } from '../../src/storage/storage.js';
import { videoKey } from '../../src/storage/storage-keys.js';
import { startFakeGcs, type FakeGcs } from '../support/fake-gcs.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let dir: string;
let gcs: FakeGcs;
const adapters: Record<string, () => ObjectStorage> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tally-storage-'));
  gcs = await startFakeGcs('videos');
  adapters.local = () => new LocalStorage(path.join(dir, 'root'));
  adapters.gcs = () => new GcsStorage({ bucket: 'videos', apiEndpoint: gcs.url, projectId: 'test' });
});
afterAll(async () => {
  await gcs?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(['local', 'gcs'])('%s storage', (kind) => {
  const key = videoKey(randomUUID(), randomUUID());

  it('puts, reads back, copies locally, and deletes idempotently', async () => {
    const storage = adapters[kind]();
    const bytes = Buffer.from(`hello ${kind} `.repeat(1000));
    expect(await storage.exists(key)).toBe(false);
    await storage.put(key, Readable.from([bytes]));
    expect(await storage.exists(key)).toBe(true);
    expect(await readAll(await storage.get(key))).toEqual(bytes);
    const copy = await storage.localCopy(key);
    expect(await readFile(copy.path)).toEqual(bytes);
    await copy.release();
    await storage.delete(key);
    await storage.delete(key);
    expect(await storage.exists(key)).toBe(false);
    await expect(storage.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('moves a local file in with putFile', async () => {
    const storage = adapters[kind]();
    const file = path.join(dir, `${kind}-upload.bin`);
    await writeFile(file, 'video bytes');
    await storage.putFile(key, file);
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
    expect((await readAll(await storage.get(key))).toString()).toBe('video bytes');
    await storage.delete(key);
  });

  it('refuses keys that could escape the root', async () => {
    const storage = adapters[kind]();
    await expect(storage.put('tenants/../../etc/passwd', Readable.from(['x']))).rejects.toThrow(/unsafe storage key/);
  });
});

describe('gcs signed upload URL', () => {
  it('signs a V4 PUT URL that the bucket accepts', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const storage = new GcsStorage({
      bucket: 'videos',
      apiEndpoint: gcs.url,
      projectId: 'test',
      credentials: { client_email: 'tally@test.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    });
    const key = videoKey(randomUUID(), randomUUID());
    const signed = await storage.signedUploadUrl(key, { expiresInSec: 900, contentType: 'video/mp4' });
    expect(signed.method).toBe('PUT');
    expect(signed.url).toContain('X-Goog-Signature=');
    const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'signed bytes' });
    expect(res.status).toBe(200);
    expect(await storage.exists(key)).toBe(true);
  });
});
