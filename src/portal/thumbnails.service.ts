import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError, NotFoundError } from '../common/errors.js';
import { ReportsService } from '../reports/reports.service.js';
import { OBJECT_STORAGE, ObjectNotFoundError, type ObjectStorage } from '../storage/storage.js';
import { renderThumbnail } from './ffmpeg-thumbnailer.js';
import { SharedCopies } from './shared-copies.js';

/** ffmpeg processes one API process runs at once for thumbnails (a report page asks for many). */
const MAX_RENDERS = 2;

export function thumbnailKey(tenantId: string, jobId: string, objectId: number): string {
  return `tenants/${tenantId}/thumbnails/${jobId}/${objectId}.jpg`;
}

/**
 * Thumbnails of report objects: rendered on first request from the source video with ffmpeg, then kept in
 * object storage (they outlive the video, like the report). Tenant-scoped through the report lookup.
 */
@Injectable()
export class ThumbnailsService implements OnApplicationShutdown {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly copies: SharedCopies;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly reports: ReportsService,
  ) {
    this.copies = new SharedCopies(storage);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.copies.close();
  }

  /** The JPEG, rendering it first if needed. 404: no such job or object; 409: no report yet; 410: the video is gone. */
  async get(tenantId: string, jobId: string, objectId: number): Promise<Readable> {
    const stored = await this.reports.forJob(tenantId, jobId); // 404 for another tenant's job, 409 before the report
    const key = thumbnailKey(tenantId, jobId, objectId);
    try {
      return await this.storage.get(key);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
    }
    let render = this.inFlight.get(key);
    if (!render) {
      render = this.render(tenantId, jobId, objectId, key, this.reports.parse(stored)).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, render);
    }
    await render;
    return this.storage.get(key);
  }

  private async render(tenantId: string, jobId: string, objectId: number, key: string, report: ReturnType<ReportsService['parse']>): Promise<void> {
    const object = report.objects.find((o) => o.id === objectId);
    if (!object) throw new NotFoundError('object');
    const [video] = (await this.db.query(
      `SELECT v.storage_key, v.deleted_at FROM jobs j JOIN videos v ON v.id = j.video_id WHERE j.id = $1 AND j.tenant_id = $2`,
      [jobId, tenantId],
    )) as { storage_key: string; deleted_at: Date | null }[];
    if (!video) throw new NotFoundError('job');
    const gone = new DomainError(410, 'video_deleted', 'the source video has been deleted (retention), so this thumbnail cannot be made');
    if (video.deleted_at) throw gone;
    await this.slot();
    const dir = path.join(tmpdir(), 'tally-thumbnails');
    const out = path.join(dir, `${randomUUID()}.jpg`);
    try {
      await mkdir(dir, { recursive: true });
      await this.copies
        .use(video.storage_key, (videoPath) => renderThumbnail(videoPath, out, { timeSec: object.best.timeSec, box: object.best.box, video: report.video }))
        .catch((err: unknown) => {
          throw err instanceof ObjectNotFoundError ? gone : err;
        });
      if (!(await stat(out)).size) throw new Error(`ffmpeg wrote an empty thumbnail for ${key}`);
      await this.storage.putFile(key, out);
    } finally {
      await rm(out, { force: true });
      this.release();
    }
  }

  private async slot(): Promise<void> {
    if (this.running < MAX_RENDERS) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
