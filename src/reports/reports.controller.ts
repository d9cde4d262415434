import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { reportToCsv } from '../analysis/report-format.js';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { BadRequestError } from '../common/errors.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { reportToHtml } from './report-html.js';
import { ReportsService } from './reports.service.js';

const FORMATS = ['json', 'csv', 'html'] as const;

@ApiTags('reports')
@ApiKeyAuth()
@Controller('v1/jobs')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get(':id/report')
  @ApiOperation({ summary: "The job's report: JSON (default), CSV (one row per object) or printable HTML" })
  @ApiQuery({ name: 'format', enum: FORMATS, required: false })
  async report(
    @CurrentTenant() t: TenantContext,
    @Param('id', new UuidPipe('job')) id: string,
    @Query('format') format: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const f = format ?? 'json';
    if (!(FORMATS as readonly string[]).includes(f)) throw new BadRequestError('validation_failed', `format must be one of ${FORMATS.join(', ')}`);
    const stored = await this.reports.forJob(t.tenantId, id);
    // Reports never change: clients and proxies may keep them (private: they are the tenant's).
    res.setHeader('Cache-Control', 'private, max-age=3600');
    if (f === 'csv') {
      res.type('text/csv').attachment(`tally-${id}.csv`).send(reportToCsv(this.reports.parse(stored)));
    } else if (f === 'html') {
      res.type('html').send(reportToHtml(this.reports.parse(stored), { jobId: id, videoName: stored.videoName, finishedAt: stored.finishedAt }));
    } else {
      res.type('json').send(stored.json);
    }
  }
}
