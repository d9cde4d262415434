import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { NotFoundError } from '../common/errors.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { ThumbnailsService } from './thumbnails.service.js';

@ApiTags('reports')
@ApiKeyAuth()
@Controller('v1/jobs')
export class ThumbnailsController {
  constructor(private readonly thumbnails: ThumbnailsService) {}

  @Get(':id/objects/:objectId/thumbnail.jpg')
  @ApiProduces('image/jpeg')
  @ApiOperation({ summary: "A report object's best frame, its box drawn, about 320 px wide (made on first request, then cached)" })
  async thumbnail(
    @CurrentTenant() t: TenantContext,
    @Param('id', new UuidPipe('job')) id: string,
    @Param('objectId') objectIdRaw: string,
    @Res() res: Response,
  ): Promise<void> {
    if (!/^[1-9]\d{0,8}$/.test(objectIdRaw)) throw new NotFoundError('object');
    const body = await this.thumbnails.get(t.tenantId, id, Number(objectIdRaw));
    res.type('image/jpeg').setHeader('Cache-Control', 'private, max-age=86400');
    body.on('error', () => res.destroy());
    res.on('close', () => body.destroy()); // the browser may drop a lazy image request half-way
    body.pipe(res);
  }
}
