import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const STAFF_ROLES = ['support', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Tally's own people (L2 support, admins), separate from customers' users. Created with `tally staff create`. */
@Entity('staff_users')
export class StaffUser {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-case; unique. */
  @Column('text')
  email: string;

  /** `scrypt$N$r$p$salt$key` (src/portal/passwords.ts). */
  @Column('text')
  passwordHash: string;

  @Column('text')
  role: StaffRole;

  /** A disabled account cannot sign in, and its open sessions stop working at their next request. */
  @Column('timestamptz', { nullable: true })
  disabledAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
