import { Module } from '@nestjs/common';
import { WebhookWorker } from './webhook.worker.js';
import { WebhooksService } from './webhooks.service.js';

@Module({ providers: [WebhooksService, WebhookWorker], exports: [WebhooksService] })
export class WebhooksModule {}
