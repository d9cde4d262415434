import { Body, Controller, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { CreateUploadDto, type SignedUploadView } from './signed-uploads.dto.js';
import { SignedUploadsService } from './signed-uploads.service.js';
import type { AcceptedUpload } from './uploads.controller.js';

@ApiTags('uploads')
@Controller('v1/uploads')
export class SignedUploadsController {
  constructor(private readonly uploads: SignedUploadsService) {}

  @Post()
  @ApiKeyAuth()
  @ApiOperation({ summary: 'Start a direct upload: returns a URL to PUT the file to (V4 signed URL with GCS)' })
  async create(@CurrentTenant() t: TenantContext, @Body() dto: CreateUploadDto): Promise<SignedUploadView> {
    return this.uploads.create(t.tenantId, dto);
  }

  @Put(':id/content')
  @ApiOperation({ summary: 'Local storage only: the PUT target of an upload URL (authenticated by its token)' })
  async content(@Param('id', new UuidPipe('upload')) id: string, @Query('token') token: string, @Req() req: Request): Promise<{ uploadId: string; sizeBytes: number }> {
    return this.uploads.receive(id, token, req);
  }

  @Post(':id/complete')
  @HttpCode(202)
  @ApiKeyAuth()
  @ApiOperation({ summary: 'The file is uploaded: probe it and queue the analysis' })
  async complete(@CurrentTenant() t: TenantContext, @Param('id', new UuidPipe('upload')) id: string): Promise<AcceptedUpload> {
    const job = await this.uploads.complete(t.tenantId, id);
    return { jobId: job.id, videoId: job.videoId, status: job.status };
  }
}
