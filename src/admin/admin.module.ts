import { existsSync } from 'node:fs';
import path from 'node:path';
import { AdminModule, type AdminModuleOptions } from '@adminjs/nestjs';
import { Logger, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BillingModule } from '../billing/billing.module.js';
import { TALLY_ENV } from '../config/config.module.js';
import { applyAdminJsProcessEnv, type TallyEnv } from '../config/env.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminOperations } from './admin-operations.service.js';
import { AdminReportsController } from './admin-reports.controller.js';
import { TallyAdminLoader } from './admin.loader.js';
import { AuditService } from './audit.service.js';
import { DashboardService } from './dashboard.service.js';
import { EconomicsController } from './economics.controller.js';
import { EconomicsService } from './economics.service.js';
import { StaffAuthService } from './staff-auth.service.js';
import { StaffSessions } from './staff-session.js';
import { StaffGuard } from './staff.guard.js';

const SERVICES = [StaffSessions, StaffAuthService, AuditService, EconomicsService, DashboardService, AdminOperations, StaffGuard];

/** The panel's services (cheap: no AdminJS). */
@Module({ imports: [JobsModule, BillingModule, ReportsModule, UsersModule], providers: SERVICES, exports: SERVICES })
export class AdminServicesModule {}

/**
 * Loads AdminJS only when TALLY_ADMIN_ENABLED (default: on for TALLY_ROLE api and all, off for worker):
 * importing adminjs and its adapters costs seconds, which workers and most tests should not pay.
 */
async function adminOptions(env: TallyEnv, db: DataSource, ops: AdminOperations, audit: AuditService, dashboard: DashboardService): Promise<AdminModuleOptions> {
  if (!env.adminEnabled) return { shouldBeInitialized: false, adminJsOptions: {} };
  // The component bundle is built by `npm run build` (bundle.ts), never on start.
  const prebuilt = existsSync(path.join(env.adminBundleDir, 'bundle.js'));
  if (!prebuilt) new Logger('AdminPanel').warn(`${env.adminBundleDir}/bundle.js is missing: run \`npm run build\`; until then the dashboard and action forms do not render`);
  applyAdminJsProcessEnv(env, prebuilt ? 'prebuilt' : 'as-is');
  // One after another: concurrent import()s of the AdminJS packages break Jest's ESM loader.
  await import('adminjs');
  await import('@adminjs/typeorm');
  await import('@adminjs/express');
  const { buildAdminJsOptions } = await import('./admin-options.js');
  return { adminJsOptions: buildAdminJsOptions({ db, ops, audit, dashboard }) };
}

/**
 * The staff admin panel (issue 5): AdminJS at /admin, Bull Board at /admin/queues, and staff-only JSON
 * under /v1/admin (economics, reports), all on one Redis-backed staff session.
 */
@Module({
  imports: [
    AdminServicesModule,
    ReportsModule,
    AdminModule.createAdminAsync({
      imports: [AdminServicesModule],
      inject: [TALLY_ENV, DataSource, AdminOperations, AuditService, DashboardService],
      useFactory: adminOptions,
      customLoader: TallyAdminLoader,
    }),
  ],
  controllers: [EconomicsController, AdminReportsController],
})
export class AdminPanelModule implements NestModule {
  constructor(private readonly sessions: StaffSessions) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.sessions.middleware).forRoutes(EconomicsController, AdminReportsController);
  }
}
