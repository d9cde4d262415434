import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SharedCopies } from '../../src/portal/shared-copies.js';
import { LocalStorage } from '../../src/storage/local.storage.js';
import { ObjectNotFoundError, type LocalCopy } from '../../src/storage/storage.js';

describe('SharedCopies (one local copy per video for a burst of thumbnails)', () => {
  let dir: string;
  let storage: LocalStorage;
  const counts = { copies: 0, releases: 0 };
  // The real local adapter, counting copies and releases (with GCS each copy is a download).
  const counting = {
    localCopy: async (key: string): Promise<LocalCopy> => {
      counts.copies++;
      const copy = await storage.localCopy(key);
      return { path: copy.path, release: async () => void counts.releases++ };
    },
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tally-copies-'));
    storage = new LocalStorage(dir);
    const src = path.join(dir, 'src.bin');
    await writeFile(src, 'video bytes');
    await storage.putFile('tenants/t/videos/v', src);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('shares one copy among concurrent users, keeps it a while, then releases it once', async () => {
    const copies = new SharedCopies(counting, 100);
    const seen = await Promise.all([1, 2, 3].map(() => copies.use('tenants/t/videos/v', async (p) => p)));
    expect(new Set(seen).size).toBe(1);
    await copies.use('tenants/t/videos/v', async () => undefined); // within keepMs: still the same copy
    expect(counts).toEqual({ copies: 1, releases: 0 });
    await new Promise((r) => setTimeout(r, 250));
    expect(counts).toEqual({ copies: 1, releases: 1 });
    await copies.use('tenants/t/videos/v', async () => undefined);
    expect(counts.copies).toBe(2);
    await copies.close();
    expect(counts.releases).toBe(2);
  });

  it('a missing object rejects, and the next use tries again', async () => {
    const copies = new SharedCopies(counting, 100);
    const before = counts.copies;
    await expect(copies.use('tenants/t/videos/missing', async () => undefined)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(copies.use('tenants/t/videos/missing', async () => undefined)).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(counts.copies - before).toBe(2);
    await copies.close();
  });
});
