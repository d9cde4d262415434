import type { Action, ActionContext, ActionHandler, ActionRequest, ActionResponse, RecordActionResponse } from 'adminjs';
import { DomainError } from '../common/errors.js';
import type { AdminOperations } from './admin-operations.service.js';
import type { AuditService } from './audit.service.js';
import { auditHooks } from './audit-hooks.js';
import { can, type Permission, type StaffPrincipal } from './roles.js';

type ActionOptions = Partial<Action<ActionResponse>>;
type Actions = Record<string, ActionOptions>;

/** A field of the ActionForm component (components/action-form.jsx). */
export interface FormField {
  name: string;
  label: string;
  type?: 'text' | 'number' | 'textarea';
  /** Prefilled from record.params[from] (or the literal `value`). */
  from?: string;
  value?: string;
  help?: string;
}

export interface ActionFormOptions {
  description: string;
  submitLabel: string;
  fields?: FormField[];
  /** The component sends a fresh random key with each form (a double submit issues one credit). */
  idempotent?: boolean;
}

export const staffOfContext = (context: ActionContext): StaffPrincipal => context.currentAdmin as unknown as StaffPrincipal;

/** isAccessible/isVisible for a permission: the server-side check AdminJS and the API gate both use. */
export const allow =
  (permission: Permission) =>
  (context: ActionContext): boolean =>
    can(staffOfContext(context), permission);

/**
 * A record action whose GET only shows the form and whose POST does the change: `run` returns the
 * success message; a DomainError becomes an error notice and nothing changes.
 */
export function formAction(
  permission: Permission,
  form: ActionFormOptions,
  component: string,
  visibleFor: (params: Record<string, unknown>) => boolean,
  run: (staff: StaffPrincipal, recordId: string, payload: Record<string, unknown>, context: ActionContext) => Promise<string>,
  hooks: ReturnType<typeof auditHooks>,
  icon: string,
): ActionOptions {
  const handler: ActionHandler<RecordActionResponse> = async (request: ActionRequest, _response, context) => {
    const { record, resource, currentAdmin, h } = context;
    if (!record) throw new Error('record action without a record');
    if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
    try {
      const message = await run(staffOfContext(context), String(record.id()), request.payload ?? {}, context);
      const fresh = (await resource.findOne(String(record.id()))) ?? record;
      return {
        record: fresh.toJSON(currentAdmin),
        notice: { message, type: 'success' },
        redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: String(record.id()), actionName: 'show' }),
      };
    } catch (err) {
      if (err instanceof DomainError) return { record: record.toJSON(currentAdmin), notice: { message: err.message, type: 'error' } };
      throw err;
    }
  };
  return {
    actionType: 'record',
    icon,
    component,
    custom: form,
    isAccessible: allow(permission),
    isVisible: (context: ActionContext) => can(staffOfContext(context), permission) && (!context.record || visibleFor(context.record.params)),
    handler,
    before: hooks.before,
    after: hooks.after,
  };
}

/** The built-in mutating actions, audited and limited to a permission (or off). */
export function builtIns(hooks: ReturnType<typeof auditHooks>, rules: { create?: Permission | false; edit?: Permission | false; delete?: Permission | false }): Actions {
  const rule = (p: Permission | false | undefined): Partial<ActionOptions> =>
    p ? { isAccessible: allow(p), isVisible: allow(p), before: hooks.before, after: hooks.after } : { isAccessible: false, isVisible: false };
  return {
    list: { isAccessible: allow('view') },
    show: { isAccessible: allow('view') },
    search: { isAccessible: allow('view') },
    new: rule(rules.create),
    edit: rule(rules.edit),
    delete: rule(rules.delete),
    bulkDelete: rule(rules.delete),
  };
}

export type { AdminOperations, AuditService };
