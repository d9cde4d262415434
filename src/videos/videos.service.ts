import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { OBJECT_STORAGE, type ObjectStorage } from '../storage/storage.js';
import { Video } from './video.entity.js';

/** Source videos: reading (tenant-scoped), deleting on request, and the retention sweep. Reports are never touched. */
@Injectable()
export class VideosService {
  private readonly logger = new Logger(VideosService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  async get(tenantId: string, id: string): Promise<Video> {
    const video = await this.db.getRepository(Video).findOneBy({ id, tenantId });
    if (!video) throw new NotFoundError('video');
    return video;
  }

  /** Deletes the source file now; refused while a job still needs it. */
  async deleteSource(tenantId: string, id: string): Promise<void> {
    const video = await this.get(tenantId, id);
    if (await this.hasActiveJob(id)) throw new ConflictError('video_in_use', 'a job is still analysing this video: cancel it first');
    await this.storage.delete(video.storageKey);
    await this.db.getRepository(Video).update({ id }, { deletedAt: new Date() });
  }

  /** Deletes source files older than the cutoff whose jobs are all finished; returns how many. */
  async sweep(olderThan: Date, batch = 500): Promise<number> {
    const rows = (await this.db.query(
      `SELECT v.id, v.storage_key FROM videos v
        WHERE v.deleted_at IS NULL AND v.created_at < $1
          AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.video_id = v.id AND j.status IN ('queued', 'processing'))
        ORDER BY v.created_at LIMIT $2`,
      [olderThan, batch],
    )) as { id: string; storage_key: string }[];
    let deleted = 0;
    for (const row of rows) {
      try {
        await this.storage.delete(row.storage_key);
        await this.db.getRepository(Video).update({ id: row.id }, { deletedAt: new Date() });
        deleted++;
      } catch (err) {
        this.logger.warn(`retention: deleting ${row.storage_key} failed: ${String(err)}`);
      }
    }
    return deleted;
  }

  private async hasActiveJob(videoId: string): Promise<boolean> {
    const [row] = (await this.db.query(`SELECT 1 FROM jobs WHERE video_id = $1 AND status IN ('queued', 'processing') LIMIT 1`, [videoId])) as unknown[];
    return row !== undefined;
  }
}
