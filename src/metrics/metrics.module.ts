import { Global, Module } from '@nestjs/common';
import { CloudBacklogExporter } from './cloud-backlog-exporter.js';
import { MetricsCollectors } from './metrics.collectors.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics.registry.js';

@Global()
@Module({ controllers: [MetricsController], providers: [MetricsRegistry, MetricsCollectors, CloudBacklogExporter], exports: [MetricsRegistry] })
export class MetricsModule {}
