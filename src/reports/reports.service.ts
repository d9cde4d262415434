import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { Job } from '../jobs/job.entity.js';
import { Video } from '../videos/video.entity.js';
import { ReportRecord } from './report.entity.js';

/** Reports of the caller's tenant only. */
@Injectable()
export class ReportsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async forJob(tenantId: string, jobId: string): Promise<{ record: ReportRecord; job: Job; videoName: string }> {
    const job = await this.db.getRepository(Job).findOneBy({ id: jobId, tenantId });
    if (!job) throw new NotFoundError('job');
    const record = await this.db.getRepository(ReportRecord).findOneBy({ jobId, tenantId });
    if (!record) throw new ConflictError('report_not_ready', `the job is ${job.status}: a report exists once it has succeeded`);
    const video = await this.db.getRepository(Video).findOneBy({ id: job.videoId, tenantId });
    return { record, job, videoName: video?.originalName ?? 'video' };
  }
}
