import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ANALYSIS_ENGINE, CoreAnalysisEngine } from './analysis-engine.js';
import { AnalysisWorker } from './analysis.worker.js';
import { InferenceMetrics } from './inference-metrics.js';
import { JobEventsService } from './job-events.service.js';
import { JobLifecycle } from './job-lifecycle.js';
import { JobMetrics } from './job-metrics.js';
import { JobRunner } from './job-runner.service.js';
import { JobSubmissionService } from './job-submission.service.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

@Module({
  imports: [WebhooksModule],
  controllers: [JobsController],
  providers: [
    { provide: ANALYSIS_ENGINE, useClass: CoreAnalysisEngine },
    JobsService,
    JobSubmissionService,
    JobRunner,
    AnalysisWorker,
    JobEventsService,
    JobLifecycle,
    JobMetrics,
    InferenceMetrics,
  ],
  exports: [ANALYSIS_ENGINE, JobsService, JobSubmissionService, JobLifecycle, JobEventsService],
})
export class JobsModule {}
