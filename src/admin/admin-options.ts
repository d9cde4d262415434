/**
 * Everything that needs AdminJS at run time. Loaded with import() by admin.module.ts only when the
 * panel is enabled, after adminjs itself (importing the AdminJS packages concurrently breaks Jest's ESM loader).
 */
import { Database, Resource } from '@adminjs/typeorm';
import AdminJS, { ComponentLoader, type AdminJSOptions } from 'adminjs';
import { registerComponents } from './components.js';
import type { DashboardService } from './dashboard.service.js';
import { buildResources, type ResourceDeps } from './resources.js';
import { can, type StaffPrincipal } from './roles.js';

export const ADMIN_ROOT = '/admin';

export function buildAdminJsOptions(deps: Omit<ResourceDeps, 'components'> & { dashboard: DashboardService }): AdminJSOptions {
  AdminJS.registerAdapter({ Database, Resource });
  const componentLoader = new ComponentLoader();
  const components = registerComponents(componentLoader);
  return {
    rootPath: ADMIN_ROOT,
    loginPath: `${ADMIN_ROOT}/login`,
    logoutPath: `${ADMIN_ROOT}/logout`,
    componentLoader,
    resources: buildResources({ ...deps, components }),
    dashboard: {
      component: components.Dashboard,
      handler: async (_request, _response, context) => {
        if (!can(context.currentAdmin as unknown as StaffPrincipal, 'view')) return {};
        return deps.dashboard.data();
      },
    },
    branding: { companyName: 'Tally admin', withMadeWithLove: false, logo: false },
    locale: {
      language: 'en',
      availableLanguages: ['en'],
      localeDetection: false,
      translations: {
        en: {
          actions: {
            retryJob: 'Retry',
            cancelJob: 'Cancel',
            revokeKey: 'Revoke',
            changeQuota: 'Change quota',
            suspendTenant: 'Suspend',
            reactivateTenant: 'Reactivate',
            issueCredit: 'Issue credit',
          },
          components: {
            Login: { welcomeHeader: 'Tally', welcomeMessage: 'Staff sign-in for support and admins. Customers sign in to the portal instead.' },
          },
          labels: {
            Tenant: 'Tenants',
            User: 'Users',
            ApiKey: 'API keys',
            Plan: 'Plans',
            Job: 'Jobs',
            Video: 'Videos',
            ReportRecord: 'Reports',
            UsageLedgerEntry: 'Usage ledger',
            StaffUser: 'Staff users',
            AuditLogEntry: 'Audit log',
          },
        },
      },
    },
  };
}
