import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { SignedUploadsController } from './signed-uploads.controller.js';
import { SignedUploadsService } from './signed-uploads.service.js';
import { TempFiles } from './temp-files.js';
import { UploadsController } from './uploads.controller.js';

@Module({ imports: [JobsModule], controllers: [UploadsController, SignedUploadsController], providers: [TempFiles, SignedUploadsService] })
export class UploadsModule {}
