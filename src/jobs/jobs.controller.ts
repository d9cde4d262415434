import { Controller, Get, HttpCode, Inject, Param, Post, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { concat, interval, map, merge, of, takeWhile, type Observable } from 'rxjs';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { JobEventsService } from './job-events.service.js';
import { isFinalStatus } from './job-status.js';
import { toJobView, type JobView } from './job-view.js';
import { ListJobsQuery } from './jobs.dto.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@ApiKeyAuth()
@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly events: JobEventsService,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List jobs, newest first; filter by status' })
  async list(@CurrentTenant() t: TenantContext, @Query() q: ListJobsQuery): Promise<{ items: JobView[]; total: number; limit: number; offset: number }> {
    const { items, total } = await this.jobs.list(t.tenantId, q);
    return { items: items.map(toJobView), total, limit: q.limit, offset: q.offset };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A job: status, progress 0..1, error, times' })
  async get(@CurrentTenant() t: TenantContext, @Param('id', new UuidPipe('job')) id: string): Promise<JobView> {
    return toJobView(await this.jobs.get(t.tenantId, id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a queued or running job' })
  async cancel(@CurrentTenant() t: TenantContext, @Param('id', new UuidPipe('job')) id: string): Promise<JobView> {
    return toJobView(await this.jobs.cancel(t.tenantId, id));
  }

  @Sse(':id/events')
  @ApiOperation({ summary: 'Server-sent events: the current state, then every progress and status change until the job ends' })
  async stream(@CurrentTenant() t: TenantContext, @Param('id', new UuidPipe('job')) id: string): Promise<Observable<MessageEvent>> {
    const updates = await this.events.eventsOf(id); // subscribe before reading, so no change falls in between
    const job = await this.jobs.get(t.tenantId, id, true);
    const current = of({ jobId: job.id, tenantId: job.tenantId, status: job.status, progress: job.progress, errorCode: job.errorCode, errorMessage: job.errorMessage });
    // A comment-like ping while the job waits in the queue or runs keeps proxies from closing a quiet stream.
    const pings = interval(this.env.sseKeepaliveSeconds * 1000).pipe(map(() => null));
    return merge(concat(current, updates), pings).pipe(
      takeWhile((e) => e === null || !isFinalStatus(e.status), true),
      map((e) =>
        e === null
          ? { type: 'ping', data: '' }
          : {
              type: isFinalStatus(e.status) || e.status !== 'processing' ? 'status' : 'progress',
              data: { id: e.jobId, status: e.status, progress: e.progress, ...(e.errorCode ? { error: { code: e.errorCode, message: e.errorMessage } } : {}) },
            },
      ),
    );
  }
}
