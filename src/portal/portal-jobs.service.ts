import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TtlCache } from '../common/ttl-cache.js';
import type { JobStatus } from '../jobs/job-status.js';
import type { PortalJobRow } from './views.js';

export type { PortalJobRow } from './views.js';

interface Raw {
  id: string;
  status: JobStatus;
  progress: number;
  error_code: string | null;
  error_message: string | null;
  original_name: string;
  duration_sec: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  options: PortalJobRow['options'];
  counts: Record<string, number> | null;
  objects_total: number | null;
  total: string;
}

export function toRow(r: Raw): PortalJobRow {
  const row: PortalJobRow = {
    id: r.id,
    status: r.status,
    progress: Math.round(r.progress * 1000) / 1000,
    fileName: r.original_name,
    durationSec: r.duration_sec,
    createdAt: r.created_at.toISOString(),
    options: r.options,
  };
  if (r.error_code) row.error = { code: r.error_code, message: r.error_message ?? r.error_code };
  if (r.started_at) row.startedAt = r.started_at.toISOString();
  if (r.finished_at) row.finishedAt = r.finished_at.toISOString();
  if (r.counts) row.counts = r.counts;
  if (r.objects_total !== null) row.objectsTotal = r.objects_total;
  return row;
}

/** The job list as the portal shows it, in one query (jobs ⋈ videos ⟕ reports), scoped to the tenant. */
@Injectable()
export class PortalJobsService {
  /**
   * Lists cached 1 s per process and query: a thousand people opening their job list cost a query per tenant
   * per second. The portal keeps rows current with server-sent events and asks `fresh` after a change it knows of.
   */
  private readonly recent = new TtlCache<{ items: PortalJobRow[]; total: number }>(1000, 10_000);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(tenantId: string, q: { status?: JobStatus; limit: number; offset: number }, fresh = false): Promise<{ items: PortalJobRow[]; total: number }> {
    const key = `${tenantId}|${q.status ?? ''}|${q.limit}|${q.offset}`;
    const cached = fresh ? undefined : this.recent.get(key);
    if (cached) return cached;
    const result = await this.query(tenantId, q);
    this.recent.set(key, result);
    return result;
  }

  private async query(tenantId: string, q: { status?: JobStatus; limit: number; offset: number }): Promise<{ items: PortalJobRow[]; total: number }> {
    const params: unknown[] = [tenantId, q.limit, q.offset];
    if (q.status) params.push(q.status);
    const rows = (await this.db.query(
      `SELECT j.id, j.status, j.progress, j.error_code, j.error_message, j.created_at, j.started_at, j.finished_at, j.options,
              v.original_name, v.duration_sec, r.counts, r.objects_total, count(*) OVER () AS total
         FROM jobs j JOIN videos v ON v.id = j.video_id LEFT JOIN reports r ON r.job_id = j.id
        WHERE j.tenant_id = $1 ${q.status ? 'AND j.status = $4' : ''}
        ORDER BY j.created_at DESC, j.id DESC LIMIT $2 OFFSET $3`,
      params,
    )) as Raw[];
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && q.offset > 0) {
      const [c] = (await this.db.query(`SELECT count(*)::int AS n FROM jobs WHERE tenant_id = $1 ${q.status ? 'AND status = $2' : ''}`, q.status ? [tenantId, q.status] : [tenantId])) as { n: number }[];
      total = c.n;
    }
    return { items: rows.map(toRow), total };
  }
}
