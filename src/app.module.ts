import { Module } from '@nestjs/common';
import { AdminPanelModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BillingModule } from './billing/billing.module.js';
import { CommonModule } from './common/common.module.js';
import { TallyConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { ReadinessModule } from './health/readiness.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MailModule } from './mail/mail.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PortalModule } from './portal/portal.module.js';
import { QueueModule } from './queue/queue.module.js';
import { QuotasModule } from './quotas/quotas.module.js';
import { RedisModule } from './redis/redis.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { StorageModule } from './storage/storage.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { UploadsModule } from './uploads/uploads.module.js';
import { VideosModule } from './videos/videos.module.js';

@Module({
  imports: [
    HealthModule,
    // The service (issue 3): infrastructure first, then the domains.
    TallyConfigModule,
    LoggingModule,
    CommonModule,
    DatabaseModule,
    RedisModule,
    QueueModule,
    StorageModule,
    MailModule,
    MetricsModule,
    AuthModule,
    TenantsModule,
    QuotasModule,
    JobsModule,
    UploadsModule,
    VideosModule,
    ReportsModule,
    BillingModule,
    ReadinessModule,
    // The staff admin panel (issue 5); AdminJS itself loads only when TALLY_ADMIN_ENABLED.
    AdminPanelModule,
    // Last: its SPA fallback only ever answers paths no other module owns.
    PortalModule,
  ],
})
export class AppModule {}
