import { Global, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { UsersModule } from '../users/users.module.js';
import { LoginThrottle } from './login-throttle.js';
import { PortalAuthController } from './portal-auth.controller.js';
import { PortalAuthService } from './portal-auth.service.js';
import { PortalJobsController } from './portal-jobs.controller.js';
import { PortalJobsService } from './portal-jobs.service.js';
import { PortalSessions } from './portal-sessions.js';
import { PortalSettingsController } from './portal-settings.controller.js';
import { PortalStaticMiddleware } from './portal-static.middleware.js';
import { ThumbnailsController } from './thumbnails.controller.js';
import { ThumbnailsService } from './thumbnails.service.js';

/**
 * The customer portal (issue 6): the built React app at `/`, sign-up/sign-in sessions (which the API guard
 * accepts as an alternative to a Bearer key), the portal's job list and event stream, tenant webhook settings
 * and report thumbnails. Global so that ApiKeyGuard (in the global AuthModule) can inject PortalSessions.
 */
@Global()
@Module({
  imports: [JobsModule, ReportsModule, UsersModule],
  controllers: [PortalAuthController, PortalJobsController, PortalSettingsController, ThumbnailsController],
  providers: [PortalSessions, PortalAuthService, LoginThrottle, PortalJobsService, ThumbnailsService],
  exports: [PortalSessions],
})
export class PortalModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PortalStaticMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
