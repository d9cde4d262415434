import { Module } from '@nestjs/common';
import { RetentionWorker } from './retention.worker.js';
import { VideosController } from './videos.controller.js';
import { VideosService } from './videos.service.js';

@Module({ controllers: [VideosController], providers: [VideosService, RetentionWorker], exports: [VideosService] })
export class VideosModule {}
