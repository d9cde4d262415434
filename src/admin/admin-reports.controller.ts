import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { BadRequestError, NotFoundError } from '../common/errors.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { Job } from '../jobs/job.entity.js';
import { reportToHtml } from '../reports/report-html.js';
import { ReportsService } from '../reports/reports.service.js';
import { StaffGuard } from './staff.guard.js';

/** "Open the report" from the panel: any tenant's report, as JSON or the HTML page, for staff sessions. */
@ApiExcludeController()
@Controller('v1/admin/jobs')
@UseGuards(StaffGuard)
export class AdminReportsController {
  constructor(
    private readonly reports: ReportsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Get(':id/report.:format')
  async report(@Param('id', UuidPipe) id: string, @Param('format') format: string, @Res() res: Response): Promise<void> {
    if (format !== 'json' && format !== 'html') throw new BadRequestError('invalid_format', 'use report.json or report.html');
    const job = await this.db.getRepository(Job).findOne({ where: { id }, select: { id: true, tenantId: true } });
    if (!job) throw new NotFoundError('job');
    const stored = await this.reports.forJob(job.tenantId, id);
    res.setHeader('Cache-Control', 'private, no-store');
    if (format === 'html') res.type('html').send(reportToHtml(this.reports.parse(stored), { jobId: id, videoName: stored.videoName, finishedAt: stored.finishedAt }));
    else res.type('json').send(stored.json);
  }
}
