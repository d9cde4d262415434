import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { BadRequestError, UnsupportedMediaTypeError } from '../common/errors.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { ANALYSIS_ENGINE, type AnalysisEngine } from '../jobs/analysis-engine.js';
import { JobSubmissionService } from '../jobs/job-submission.service.js';
import { checkVideoLimits, fileTooLarge } from '../quotas/limits.js';
import { QuotasService } from '../quotas/quotas.service.js';
import { OBJECT_STORAGE, type ObjectStorage } from '../storage/storage.js';
import { videoKey } from '../storage/storage-keys.js';
import { checkFileName, isAcceptableMediaType, receiveMultipart } from './multipart.js';
import { TempFiles } from './temp-files.js';
import { parseIdempotencyKey, parseUploadOptions } from './upload-options.js';

export interface AcceptedUpload {
  jobId: string;
  videoId: string;
  status: string;
}

@ApiTags('videos')
@ApiKeyAuth()
@Controller('v1/videos')
export class UploadsController {
  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly quotas: QuotasService,
    private readonly temp: TempFiles,
    @Inject(ANALYSIS_ENGINE) private readonly engine: AnalysisEngine,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Upload a video (multipart field "file") and queue its analysis' })
  @ApiConsumes('multipart/form-data')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replaying a key returns the same job' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary' },
        stride: { type: 'integer', minimum: 1 },
        analysisFps: { type: 'number' },
        callbackUrl: { type: 'string', format: 'uri' },
      },
    },
  })
  async upload(@CurrentTenant() t: TenantContext, @Req() req: Request): Promise<AcceptedUpload> {
    const idempotencyKey = parseIdempotencyKey(req.headers['idempotency-key']);
    if (idempotencyKey) {
      const earlier = await this.submissions.findByIdempotencyKey(t.tenantId, idempotencyKey);
      if (earlier) {
        req.resume(); // the body is not needed
        return { jobId: earlier.id, videoId: earlier.videoId, status: earlier.status };
      }
    }
    const limits = await this.quotas.limitsFor(t.tenantId);
    try {
      await this.quotas.checkConcurrency(t.tenantId, limits); // refuse a burst before reading the bodies
    } catch (err) {
      req.resume();
      throw err;
    }
    const maxBytes = Math.min(limits.maxFileSizeBytes, this.env.maxUploadBytes);
    const tempPath = await this.temp.newPath();
    try {
      const received = await receiveMultipart(req, tempPath, maxBytes);
      if (received.tooLarge) throw fileTooLarge(maxBytes);
      const file = received.file;
      if (!file) throw new BadRequestError('file_missing', 'no file: send the video in a multipart field named "file"');
      const originalName = checkFileName(file.fileName);
      if (!isAcceptableMediaType(file.mimeType)) throw new UnsupportedMediaTypeError(`the file is ${file.mimeType}, not a video: send video/* or application/octet-stream`);
      if (file.sizeBytes === 0) throw new BadRequestError('file_empty', 'the file is empty');
      const { options, callbackUrl } = parseUploadOptions(received.fields, { allowPrivateCallbacks: this.env.webhookAllowPrivate });
      const probe = await this.engine.probe(file.path);
      checkVideoLimits(limits, probe, file.sizeBytes); // fail fast; checked again, atomically, at admission
      const videoId = randomUUID();
      const storageKey = videoKey(t.tenantId, videoId);
      const { job } = await this.submissions.submit({
        tenantId: t.tenantId,
        videoId,
        storageKey,
        originalName,
        sizeBytes: file.sizeBytes,
        probe,
        options,
        callbackUrl,
        idempotencyKey,
        store: () => this.storage.putFile(storageKey, file.path),
      });
      return { jobId: job.id, videoId: job.videoId, status: job.status };
    } finally {
      await rm(tempPath, { force: true });
    }
  }
}
