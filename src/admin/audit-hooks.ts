import type { ActionContext, ActionRequest, ActionResponse, After, Before } from 'adminjs';
import type { AuditService } from './audit.service.js';
import type { StaffPrincipal } from './roles.js';

/** Set on the request copy AdminJS hands to actions (admin.loader.ts copies req.ip there). */
export const IP_FIELD = 'tallyIp';

interface AuditContext extends ActionContext {
  auditBefore?: Record<string, unknown>[] | null;
  /** A handler may add a sentence for the log (a credit's reason). */
  auditNote?: string;
  /** A handler whose change is not the record itself (a credit adds a ledger row) says what it created. */
  auditAfter?: Record<string, unknown>;
}

function failed(response: ActionResponse): boolean {
  if (response.notice?.type === 'error') return true;
  const errors = (response.record as { errors?: Record<string, unknown> } | undefined)?.errors;
  return !!errors && Object.keys(errors).length > 0;
}

/**
 * Before/after hooks that write one audit row per changed record for a POST to a mutating action
 * (new, edit, delete, bulkDelete and the custom actions): who, the resource and record, the action, and
 * the record's params before (loaded by AdminJS before the handler ran) and after (what it answers with).
 * Refused or failed attempts (error notice, validation errors) are not logged as changes.
 */
export function auditHooks(audit: AuditService): { before: Before; after: After<ActionResponse> } {
  const before: Before = (request, context: AuditContext) => {
    if (request.method === 'post') {
      if (context.record) context.auditBefore = [{ ...context.record.params }];
      else if (context.records) context.auditBefore = context.records.map((r) => ({ ...r.params }));
      else context.auditBefore = null;
    }
    return request;
  };
  const after: After<ActionResponse> = async (response, request: ActionRequest, context: AuditContext) => {
    if (request.method !== 'post' || failed(response)) return response;
    const staff = context.currentAdmin as unknown as StaffPrincipal;
    const action = context.action.name;
    const resource = context.resource.id();
    const ip = ((request as unknown as Record<string, unknown>)[IP_FIELD] as string | undefined) ?? null;
    const deleted = action === 'delete' || action === 'bulkDelete';
    const befores = context.auditBefore ?? [null];
    for (const [i, beforeValues] of befores.entries()) {
      const record = response.record as { id?: string; params?: Record<string, unknown> } | undefined;
      const recordId = (beforeValues?.id as string | undefined) ?? record?.id ?? (response.records as { id: string }[] | undefined)?.[i]?.id ?? null;
      await audit.record({
        staff,
        action,
        resource,
        recordId: recordId === null ? null : String(recordId),
        before: beforeValues,
        after: deleted ? null : (context.auditAfter ?? record?.params ?? null),
        note: context.auditNote ?? null,
        ip,
      });
    }
    return response;
  };
  return { before, after };
}
