import { BillingReconciliation } from '../billing/billing-reconciliation.entity.js';
import { StripeWebhookEvent } from '../billing/stripe-webhook-event.entity.js';
import { UsageLedgerEntry } from '../billing/usage-ledger.entity.js';
import { ApiKey } from '../auth/api-key.entity.js';
import { Job } from '../jobs/job.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { ReportRecord } from '../reports/report.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { Upload } from '../uploads/upload.entity.js';
import { User } from '../users/user.entity.js';
import { Video } from '../videos/video.entity.js';
import { AuditLogEntry } from '../admin/audit-log.entity.js';
import { StaffUser } from '../admin/staff-user.entity.js';

/** Every entity, listed (not globbed): globs do not work the same under tsc output and Jest. Append yours. */
export const entities = [Plan, Tenant, User, ApiKey, Video, Job, ReportRecord, Upload, UsageLedgerEntry, StripeWebhookEvent, BillingReconciliation, StaffUser, AuditLogEntry];
