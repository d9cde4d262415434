import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Report } from '../analysis/report.types.js';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { TtlCache } from '../common/ttl-cache.js';

export interface StoredReport {
  tenantId: string;
  jobId: string;
  videoName: string;
  finishedAt: Date | null;
  /** The report JSON exactly as stored, served as is. */
  json: string;
}

/** Reports of the caller's tenant only. A report never changes once written, so each process caches a few. */
@Injectable()
export class ReportsService {
  private readonly cache = new TtlCache<StoredReport>(10 * 60_000, 500);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async forJob(tenantId: string, jobId: string): Promise<StoredReport> {
    const cached = this.cache.get(jobId);
    if (cached) {
      if (cached.tenantId !== tenantId) throw new NotFoundError('job');
      return cached;
    }
    const [row] = (await this.db.query(
      `SELECT j.status, j.finished_at, v.original_name, r.report::text AS json
         FROM jobs j JOIN videos v ON v.id = j.video_id LEFT JOIN reports r ON r.job_id = j.id
        WHERE j.id = $1 AND j.tenant_id = $2`,
      [jobId, tenantId],
    )) as { status: string; finished_at: Date | null; original_name: string; json: string | null }[];
    if (!row) throw new NotFoundError('job');
    if (row.json === null) throw new ConflictError('report_not_ready', `the job is ${row.status}: a report exists once it has succeeded`);
    const stored = { tenantId, jobId, videoName: row.original_name, finishedAt: row.finished_at, json: row.json };
    this.cache.set(jobId, stored);
    return stored;
  }

  parse(stored: StoredReport): Report {
    return JSON.parse(stored.json) as Report;
  }
}
