import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditLogEntry } from './audit-log.entity.js';
import type { StaffPrincipal } from './roles.js';

/** Fields never copied into the audit log (secrets and hashes). */
const SECRET_KEYS = /(^|\.)(passwordHash|password|hash|webhookSecret)$/;

/** A record's values as JSON for the log, secrets left out; null stays null. */
export function auditValues(params: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!params) return null;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!SECRET_KEYS.test(key)) out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

export interface AuditEvent {
  staff: StaffPrincipal;
  action: string;
  resource: string;
  recordId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  note?: string | null;
  ip?: string | null;
}

/** Appends to audit_log; the panel only ever reads it. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(event: AuditEvent, manager: EntityManager = this.db.manager): Promise<void> {
    // jsonb columns: TypeORM's insert typing does not accept arbitrary records, the driver does.
    await manager.getRepository(AuditLogEntry).insert({
      staffUserId: event.staff.id,
      staffEmail: event.staff.email,
      staffRole: event.staff.role,
      action: event.action,
      resource: event.resource,
      recordId: event.recordId ?? null,
      before: auditValues(event.before) as never,
      after: auditValues(event.after) as never,
      note: event.note ?? null,
      ip: event.ip ?? null,
    });
  }
}
