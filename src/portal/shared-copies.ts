import type { LocalCopy, ObjectStorage } from '../storage/storage.js';

interface Entry {
  copy: Promise<LocalCopy>;
  users: number;
  timer?: NodeJS.Timeout;
}

/**
 * Local copies of stored videos shared by concurrent users and kept a little after the last one is done:
 * a report page asks for many thumbnails of one video at once, and with GCS each copy is a download.
 */
export class SharedCopies {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly storage: Pick<ObjectStorage, 'localCopy'>,
    private readonly keepMs = 30_000,
  ) {}

  async use<T>(key: string, work: (path: string) => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { copy: this.storage.localCopy(key), users: 0 };
      this.entries.set(key, entry);
      const failed = entry;
      entry.copy.catch(() => this.entries.get(key) === failed && this.entries.delete(key));
    }
    clearTimeout(entry.timer);
    entry.users++;
    try {
      return await work((await entry.copy).path);
    } finally {
      entry.users--;
      if (entry.users === 0) {
        const idle = entry;
        idle.timer = setTimeout(() => void this.drop(key, idle), this.keepMs);
        idle.timer.unref();
      }
    }
  }

  private async drop(key: string, entry: Entry): Promise<void> {
    if (entry.users > 0 || this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    await (await entry.copy.catch(() => undefined))?.release().catch(() => undefined);
  }

  /** Releases every copy now (shutdown). */
  async close(): Promise<void> {
    const all = [...this.entries.entries()];
    this.entries.clear();
    for (const [, e] of all) {
      clearTimeout(e.timer);
      await (await e.copy.catch(() => undefined))?.release().catch(() => undefined);
    }
  }
}
