import { InitialSchema1795899000000 } from './1795899000000-initial-schema.js';
import { SeedPlans1795899000001 } from './1795899000001-seed-plans.js';
import { Billing1795900860000 } from './1795900860000-billing.js';
import { Portal1795901000000 } from './1795901000000-portal.js';
import { AdminStaffAndAudit1795901500000 } from './1795901500000-admin-staff-and-audit.js';
import { PasswordResets1795902000000 } from './1795902000000-password-resets.js';
import { StripeSubscriptionPrice1795902500000 } from './1795902500000-stripe-subscription-price.js';

/** Every migration in order (listed, not globbed, so tsc output and Jest load the same set). Append yours. */
export const migrations = [InitialSchema1795899000000, SeedPlans1795899000001, Billing1795900860000, Portal1795901000000, AdminStaffAndAudit1795901500000, PasswordResets1795902000000, StripeSubscriptionPrice1795902500000];
