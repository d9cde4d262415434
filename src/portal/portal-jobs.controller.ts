import { Controller, Get, Inject, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { interval, map, merge, type Observable } from 'rxjs';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { JobEventsService } from '../jobs/job-events.service.js';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListJobsQuery } from '../jobs/jobs.dto.js';
import { PortalJobsService, type PortalJobRow } from './portal-jobs.service.js';

export class PortalJobsQuery extends ListJobsQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Skip the 1-second cache (after a change the client knows of)' })
  @IsOptional()
  @IsIn(['true', 'false', '1', '0'])
  fresh?: string;
}


@ApiTags('portal')
@ApiKeyAuth()
@Controller('v1')
export class PortalJobsController {
  constructor(
    private readonly jobs: PortalJobsService,
    private readonly events: JobEventsService,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  @Get('portal/jobs')
  @ApiOperation({ summary: "The portal's job list: jobs newest first with file name, duration and counts; filter by status (answers may be up to 1 s old unless fresh=true)" })
  async list(@CurrentTenant() t: TenantContext, @Query() q: PortalJobsQuery): Promise<{ items: PortalJobRow[]; total: number; limit: number; offset: number }> {
    const { items, total } = await this.jobs.list(t.tenantId, q, q.fresh === 'true' || q.fresh === '1');
    return { items, total, limit: q.limit, offset: q.offset };
  }

  @Sse('events')
  @ApiOperation({ summary: "Server-sent events of every job of the caller's tenant: progress and status changes (one stream for a whole job list)" })
  async stream(@CurrentTenant() t: TenantContext): Promise<Observable<MessageEvent>> {
    const updates = await this.events.eventsOfTenant(t.tenantId);
    return merge(
      updates.pipe(
        map((e) => ({
          type: e.status === 'processing' ? 'progress' : 'status',
          data: {
            id: e.jobId,
            status: e.status,
            progress: e.progress,
            ...(e.errorCode ? { error: { code: e.errorCode, message: e.errorMessage ?? e.errorCode } } : {}),
            ...(e.counts ? { counts: e.counts } : {}),
          },
        })),
      ),
      interval(this.env.sseKeepaliveSeconds * 1000).pipe(map(() => ({ type: 'ping', data: '' }))),
    );
  }
}
