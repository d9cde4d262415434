import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { ANALYSIS_ENGINE, type AnalysisEngine } from '../jobs/analysis-engine.js';
import type { Job } from '../jobs/job.entity.js';
import { JobSubmissionService } from '../jobs/job-submission.service.js';
import { fileTooLarge } from '../quotas/limits.js';
import { QuotasService } from '../quotas/quotas.service.js';
import { OBJECT_STORAGE, type ObjectStorage } from '../storage/storage.js';
import { videoKey } from '../storage/storage-keys.js';
import { checkFileName } from './multipart.js';
import type { CreateUploadDto, SignedUploadView } from './signed-uploads.dto.js';
import { TempFiles } from './temp-files.js';
import { Upload } from './upload.entity.js';
import { parseUploadOptions } from './upload-options.js';

const EXPIRES_IN_SEC = 3600;
const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Direct uploads: the client gets a PUT URL (a V4 signed GCS URL, or this API's own token URL with local
 * storage), sends the file there, then calls complete, which probes the stored file and queues the job.
 */
@Injectable()
export class SignedUploadsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(ANALYSIS_ENGINE) private readonly engine: AnalysisEngine,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly quotas: QuotasService,
    private readonly submissions: JobSubmissionService,
    private readonly temp: TempFiles,
  ) {}

  async create(tenantId: string, dto: CreateUploadDto): Promise<SignedUploadView> {
    const originalName = checkFileName(dto.fileName);
    const { options, callbackUrl } = parseUploadOptions({ ...dto }, { allowPrivateCallbacks: this.env.webhookAllowPrivate });
    const limits = await this.quotas.limitsFor(tenantId);
    if (dto.sizeBytes !== undefined && dto.sizeBytes > limits.maxFileSizeBytes) throw fileTooLarge(limits.maxFileSizeBytes);
    const repo = this.db.getRepository(Upload);
    const videoId = randomUUID();
    const storageKey = videoKey(tenantId, videoId);
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + EXPIRES_IN_SEC * 1000);
    const upload = await repo.save(
      repo.create({ tenantId, videoId, storageKey, originalName, options, callbackUrl: callbackUrl ?? null, expiresAt, tokenHash: sha256(token).toString('hex') }),
    );
    const signed = await this.storage.signedUploadUrl(storageKey, { expiresInSec: EXPIRES_IN_SEC, contentType: 'application/octet-stream' });
    if (signed) return { uploadId: upload.id, url: signed.url, method: 'PUT', headers: signed.headers, expiresAt: expiresAt.toISOString() };
    const url = `${this.env.publicUrl}/v1/uploads/${upload.id}/content?token=${token}`;
    return { uploadId: upload.id, url, method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, expiresAt: expiresAt.toISOString() };
  }

  /** The local-storage PUT target: the token in the URL is the credential. */
  async receive(uploadId: string, token: string, req: IncomingMessage): Promise<{ uploadId: string; sizeBytes: number }> {
    const upload = await this.db.getRepository(Upload).findOneBy({ id: uploadId });
    const given = sha256(token ?? '');
    if (!upload?.tokenHash || !timingSafeEqual(given, Buffer.from(upload.tokenHash, 'hex')) || upload.status !== 'pending' || upload.expiresAt < new Date()) {
      req.resume();
      throw new NotFoundError('upload');
    }
    const limits = await this.quotas.limitsFor(upload.tenantId);
    const maxBytes = Math.min(limits.maxFileSizeBytes, this.env.maxUploadBytes);
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      req.resume();
      throw fileTooLarge(maxBytes);
    }
    const tempPath = await this.temp.newPath();
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        done(size > maxBytes ? fileTooLarge(maxBytes) : null, chunk);
      },
    });
    try {
      await pipeline(req, counter, createWriteStream(tempPath));
      await this.storage.putFile(upload.storageKey, tempPath);
    } catch (err) {
      req.resume();
      throw err;
    } finally {
      await rm(tempPath, { force: true });
    }
    return { uploadId, sizeBytes: size };
  }

  /** Probes the stored file and queues the job; any refusal deletes the stored file. Completing twice → the same job. */
  async complete(tenantId: string, uploadId: string): Promise<Job> {
    const repo = this.db.getRepository(Upload);
    const upload = await repo.findOneBy({ id: uploadId, tenantId });
    if (!upload) throw new NotFoundError('upload');
    const idempotencyKey = `upload:${upload.id}`;
    if (upload.status === 'completed') {
      const job = await this.submissions.findByIdempotencyKey(tenantId, idempotencyKey);
      if (job) return job;
    }
    if (!(await this.storage.exists(upload.storageKey))) throw new ConflictError('upload_missing', 'no file has been uploaded yet: PUT it to the upload URL first');
    try {
      const copy = await this.storage.localCopy(upload.storageKey);
      try {
        const probe = await this.engine.probe(copy.path);
        const { size } = await stat(copy.path);
        const { job } = await this.submissions.submit({
          tenantId,
          videoId: upload.videoId,
          storageKey: upload.storageKey,
          originalName: upload.originalName,
          sizeBytes: size,
          probe,
          options: upload.options,
          callbackUrl: upload.callbackUrl ?? undefined,
          idempotencyKey,
          store: async () => undefined, // already in storage
        });
        await repo.update({ id: upload.id }, { status: 'completed', jobId: job.id });
        return job;
      } finally {
        await copy.release();
      }
    } catch (err) {
      // Refused (not a video, over a limit, over quota): nothing stays stored.
      if (!(await this.submissions.findByIdempotencyKey(tenantId, idempotencyKey))) await this.storage.delete(upload.storageKey);
      throw err;
    }
  }
}
