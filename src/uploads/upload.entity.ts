import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { JobOptions } from '../jobs/job.entity.js';

export type UploadStatus = 'pending' | 'completed';

/** A signed-URL upload in progress: the client PUTs the file, then calls complete. */
@Entity('uploads')
export class Upload {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  tenantId: string;

  /** Reserved for the video row created on completion. */
  @Column('uuid')
  videoId: string;

  @Column('text')
  storageKey: string;

  @Column('text')
  originalName: string;

  /** SHA-256 of the token in the local PUT URL (local storage only). */
  @Column('text', { nullable: true })
  tokenHash: string | null;

  @Column('jsonb', { default: {} })
  options: JobOptions;

  @Column('text', { nullable: true })
  callbackUrl: string | null;

  @Column('text', { default: 'pending' })
  status: UploadStatus;

  @Column('uuid', { nullable: true })
  jobId: string | null;

  @Column('timestamptz')
  expiresAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
