import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';
import { Video } from '../videos/video.entity.js';

import type { JobStatus } from './job-status.js';

export { ACTIVE_JOB_STATUSES, FINAL_JOB_STATUSES, JOB_STATUSES, isFinalStatus, type JobStatus } from './job-status.js';

/** What the client asked for; handed to Analyzer.analyze. */
export interface JobOptions {
  stride?: number;
  analysisFps?: number;
}

@Entity('jobs')
export class Job {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  tenantId: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant: Relation<Tenant>;

  @Column('uuid')
  videoId: string;

  @ManyToOne(() => Video, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'video_id' })
  video: Relation<Video>;

  @Column('text', { default: 'queued' })
  status: JobStatus;

  /** 0..1 */
  @Column('real', { default: 0 })
  progress: number;

  /** Times a worker started this job (1 on the first run). */
  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  errorCode: string | null;

  @Column('text', { nullable: true })
  errorMessage: string | null;

  @Column('jsonb', { default: {} })
  options: JobOptions;

  /** Bull priority given at enqueue (1 = first): the job's rank among its tenant's waiting jobs. */
  @Column('integer', { default: 1 })
  priority: number;

  /** The SLA: the report should exist by then. */
  @Column('timestamptz')
  deadlineAt: Date;

  /** host:pid of the worker that ran (or runs) it. */
  @Column('text', { nullable: true })
  workerId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  @Column('integer', { nullable: true })
  decodeMs: number | null;

  @Column('integer', { nullable: true })
  inferenceMs: number | null;

  @Column('integer', { nullable: true })
  wallMs: number | null;

  @Column('integer', { nullable: true })
  framesAnalysed: number | null;

  /** Frames analysed per second of wall time. */
  @Column('real', { nullable: true })
  fps: number | null;

  /** Unique per tenant: a replayed request returns this job. */
  @Column('text', { nullable: true })
  idempotencyKey: string | null;

  @Column('text', { nullable: true })
  callbackUrl: string | null;

  @Column('timestamptz', { nullable: true })
  webhookDeliveredAt: Date | null;
}
