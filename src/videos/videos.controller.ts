import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { VideoProbe } from '../analysis/probe.types.js';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { VideosService } from './videos.service.js';

export interface VideoView {
  id: string;
  originalName: string;
  sizeBytes: number;
  durationSec: number;
  probe: VideoProbe;
  createdAt: string;
  /** When the source file was deleted (retention or request); the report stays. */
  sourceDeletedAt: string | null;
}

@ApiTags('videos')
@ApiKeyAuth()
@Controller('v1/videos')
export class VideosController {
  constructor(private readonly videos: VideosService) {}

  @Get(':id')
  @ApiOperation({ summary: 'An uploaded video: name, size, probe data' })
  async get(@CurrentTenant() t: TenantContext, @Param('id', new UuidPipe('video')) id: string): Promise<VideoView> {
    const v = await this.videos.get(t.tenantId, id);
    return {
      id: v.id,
      originalName: v.originalName,
      sizeBytes: v.sizeBytes,
      durationSec: v.durationSec,
      probe: v.probe,
      createdAt: v.createdAt.toISOString(),
      sourceDeletedAt: v.deletedAt?.toISOString() ?? null,
    };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the source file now (reports are kept)' })
  async delete(@CurrentTenant() t: TenantContext, @Param('id', new UuidPipe('video')) id: string): Promise<void> {
    await this.videos.deleteSource(t.tenantId, id);
  }
}
