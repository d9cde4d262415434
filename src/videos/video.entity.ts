import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { VideoProbe } from '../analysis/probe.types.js';
import { numeric } from '../database/transformers.js';
import { Tenant } from '../tenants/tenant.entity.js';

/** An uploaded source video. The file is deleted after the retention period (deletedAt set); the row stays. */
@Entity('videos')
export class Video {
  /** Chosen by the service before storing, so the storage key can contain it. */
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  tenantId: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant: Relation<Tenant>;

  /** `tenants/{tenantId}/videos/{videoId}` */
  @Column('text')
  storageKey: string;

  /** The client's file name, sanitised (never used as a path). */
  @Column('text')
  originalName: string;

  @Column('bigint', { transformer: numeric })
  sizeBytes: number;

  @Column('double precision')
  durationSec: number;

  @Column('jsonb')
  probe: VideoProbe;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** When the source file was deleted (retention or tenant request). */
  @Column('timestamptz', { nullable: true })
  deletedAt: Date | null;
}
