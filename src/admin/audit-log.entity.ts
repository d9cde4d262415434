import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One row per staff action or edit in the admin panel: who, which record of which resource, what was done,
 * when, and the record's values before and after (JSON). Append-only: the panel shows it read-only.
 */
@Entity('audit_log')
export class AuditLogEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null when the staff account was deleted since (the email stays). */
  @Column('uuid', { nullable: true })
  staffUserId: string | null;

  @Column('text')
  staffEmail: string;

  @Column('text')
  staffRole: string;

  /** AdminJS action name: edit, new, delete, retryJob, issueCredit, login, … */
  @Column('text')
  action: string;

  /** AdminJS resource id (the entity name: Tenant, Job, …), or `session` for sign-ins. */
  @Column('text')
  resource: string;

  @Column('text', { nullable: true })
  recordId: string | null;

  @Column('jsonb', { nullable: true })
  before: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  after: Record<string, unknown> | null;

  /** Free text the staff member gave (a credit's reason), or what the action did. */
  @Column('text', { nullable: true })
  note: string | null;

  @Column('text', { nullable: true })
  ip: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
