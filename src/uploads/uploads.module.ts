import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { TempFiles } from './temp-files.js';
import { UploadsController } from './uploads.controller.js';

@Module({ imports: [JobsModule], controllers: [UploadsController], providers: [TempFiles] })
export class UploadsModule {}
