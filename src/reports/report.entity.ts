import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { Report } from '../analysis/report.types.js';
import { Job } from '../jobs/job.entity.js';

/** The analysis core's report for one job, plus the columns queries need. Kept after the video is deleted. */
@Entity('reports')
export class ReportRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  jobId: string;

  @OneToOne(() => Job, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job: Relation<Job>;

  @Column('uuid')
  tenantId: string;

  @Column('jsonb')
  report: Report;

  /** class → unique objects, copied from report.counts for queries. */
  @Column('jsonb')
  counts: Record<string, number>;

  @Column('integer')
  objectsTotal: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
