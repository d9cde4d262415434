import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { JobsModule } from '../jobs/jobs.module.js';
import { ReadinessController } from './readiness.controller.js';

@Module({ imports: [TerminusModule, JobsModule], controllers: [ReadinessController] })
export class ReadinessModule {}
