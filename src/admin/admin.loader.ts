import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { AbstractLoader, type AdminModuleOptions } from '@adminjs/nestjs';
import type AdminJS from 'adminjs';
import type { Queue } from 'bull';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { QUEUES } from '../queue/queue.constants.js';
import { AuditService } from './audit.service.js';
import { IP_FIELD } from './audit-hooks.js';
import { bullBoardRouter } from './bull-board.js';
import type { StaffPrincipal } from './roles.js';
import { StaffAuthService } from './staff-auth.service.js';
import { staffOf, StaffSessions, type StaffSessionData } from './staff-session.js';

/** Actions that change data even on GET in AdminJS: refused unless POST. */
const POST_ONLY = new Set(['delete']);

/** How long a session's staff row is trusted before it is read again (a disabled account is out within this). */
const STAFF_RECHECK_MS = 5_000;

/**
 * Mounts the panel on Nest's Express app, like @adminjs/nestjs's ExpressLoader, plus what Tally needs
 * around it: one Redis-backed staff session for AdminJS, Bull Board and /v1/admin; Bull Board at
 * /admin/queues behind it; a gate that answers 403 to a forbidden action before AdminJS runs it (AdminJS
 * itself answers 200 with an error notice); cross-site request refusal; and security headers (the panel
 * is mounted before helmet, whose CSP would block AdminJS's inline scripts).
 */
@Injectable()
export class TallyAdminLoader extends AbstractLoader {
  private readonly logger = new Logger('AdminPanel');
  private readonly checked = new Map<string, { staff: StaffPrincipal | null; at: number }>();

  constructor(
    private readonly sessions: StaffSessions,
    private readonly auth: StaffAuthService,
    private readonly audit: AuditService,
    @InjectQueue(QUEUES.analysis) private readonly analysisQueue: Queue,
    @InjectQueue(QUEUES.webhooks) private readonly webhooksQueue: Queue,
    @InjectQueue(QUEUES.maintenance) private readonly maintenanceQueue: Queue,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {
    super();
  }

  async register(admin: AdminJS, httpAdapter: AbstractHttpAdapter, options: AdminModuleOptions): Promise<void> {
    const app = httpAdapter.getInstance<Express>();
    const { default: AdminJSExpress } = await import('@adminjs/express');
    const root = admin.options.rootPath;
    const router = express.Router();
    router.use(securityHeaders);
    router.use(refuseCrossSite);
    router.use(this.sessions.middleware);
    router.use(this.currentStaff(admin));
    router.use('/queues', requireStaff(admin.options.loginPath), await bullBoardRouter(`${root}/queues`, [this.analysisQueue, this.webhooksQueue, this.maintenanceQueue]));
    router.use('/api', this.actionGate(admin));
    AdminJSExpress.buildAuthenticatedRouter(
      admin,
      {
        authenticate: async (email: string, password: string, ctx?: { req: Request }) => this.auth.authenticate(email, password, ctx?.req.ip ?? ''),
        cookieName: String(this.sessions.options.name),
        cookiePassword: String(this.sessions.options.secret),
      },
      router,
      this.sessions.options,
      options.formidableOptions,
    );
    // Named `admin`: reorderRoutes (below) finds the layer by this name.
    app.use(root, function admin(req: Request, res: Response, next: NextFunction) {
      return router(req, res, next);
    });
    reorderRoutes(app);
    this.logger.log(`admin panel at ${root}, queues at ${root}/queues`);
  }

  /** Keeps the session's staff member in step with the database: deleted or disabled → signed out. */
  private currentStaff(admin: AdminJS): RequestHandler {
    return (req, res, next) => {
      (req as unknown as Record<string, unknown>)[IP_FIELD] = req.ip;
      const principal = staffOf(req);
      if (!principal) return next();
      const hit = this.checked.get(principal.id);
      const fresh = hit && Date.now() - hit.at < STAFF_RECHECK_MS ? Promise.resolve(hit.staff) : this.auth.current(principal);
      fresh
        .then((staff) => {
          if (this.checked.size > 1000) this.checked.clear();
          this.checked.set(principal.id, { staff, at: hit && hit.staff === staff ? hit.at : Date.now() });
          if (!staff) {
            req.session.destroy(() => res.redirect(admin.options.loginPath));
            return;
          }
          (req.session as unknown as StaffSessionData).adminUser = staff; // a changed role applies at once
          next();
        })
        .catch(next);
    };
  }

  /**
   * 403 for an action the staff member's role may not run (the same isAccessible AdminJS uses), so a
   * hand-crafted request is refused with a status, not only a notice; the attempt is audited.
   */
  private actionGate(admin: AdminJS): RequestHandler {
    const gate = express.Router({ mergeParams: true });
    const check: RequestHandler = (req, res, next) => {
      const staff = staffOf(req);
      if (!staff) return next(); // AdminJS redirects to the login page
      const { resourceId, action: actionName, recordId } = req.params as Record<string, string>;
      let action;
      try {
        action = admin.findResource(resourceId).decorate().actions[actionName];
      } catch {
        return next(); // unknown resource: AdminJS answers
      }
      if (!action) return next();
      if (POST_ONLY.has(actionName) && req.method !== 'POST') {
        res.status(405).json({ error: { code: 'method_not_allowed', message: `${actionName} needs POST` } });
        return;
      }
      if (action.isAccessible(staff as never)) return next();
      this.audit
        .record({ staff, action: `denied:${actionName}`, resource: resourceId, recordId: recordId ?? null, note: `${req.method} refused: role ${staff.role}`, ip: req.ip })
        .catch((err: unknown) => this.logger.warn(`audit of a refused action: ${String(err)}`))
        .finally(() => res.status(403).json({ error: { code: 'forbidden', message: `your role (${staff.role}) cannot run ${actionName} on ${resourceId}` } }));
    };
    gate.all('/resources/:resourceId/actions/:action', check);
    gate.all('/resources/:resourceId/records/:recordId/:action', check);
    gate.all('/resources/:resourceId/bulk/:action', check);
    return gate;
  }
}

/** Bull Board and other non-AdminJS pages: the login page without a session. */
function requireStaff(loginPath: string): RequestHandler {
  return (req, res, next) => (staffOf(req) ? next() : res.redirect(loginPath));
}

/** The panel in a frame elsewhere is refused (clickjacking); no MIME sniffing; no referrer off-site. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
};

/**
 * AdminJS runs some actions on GET and the session cookie is sameSite=lax (sent on top-level
 * navigations from other sites): browsers say where a request comes from (Sec-Fetch-Site), and API
 * calls or form posts from another site are refused. Clients that send no such header (curl, tests) pass.
 */
const refuseCrossSite: RequestHandler = (req, res, next) => {
  const site = req.get('sec-fetch-site');
  const sensitive = req.method !== 'GET' || req.path.startsWith('/api/');
  if (sensitive && site && site !== 'same-origin' && site !== 'none') {
    res.status(403).json({ error: { code: 'cross_site_request', message: 'admin requests must come from the admin panel itself' } });
    return;
  }
  next();
};

/**
 * As @adminjs/nestjs's ExpressLoader: the panel's router goes right after Express's init layer, before
 * Nest's body parsers (AdminJS parses its own forms with formidable) and before helmet.
 */
function reorderRoutes(app: Express): void {
  const stack = (app as unknown as { router?: { stack: { name: string }[] } }).router?.stack;
  if (!stack) return;
  const take = (name: string) => {
    const i = stack.findIndex((layer) => layer.name === name);
    return i >= 0 ? stack.splice(i, 1) : [];
  };
  const jsonParser = take('jsonParser');
  const urlencodedParser = take('urlencodedParser');
  const admin = take('admin');
  const cors = stack.findIndex((layer) => layer.name === 'corsMiddleware');
  const init = stack.findIndex((layer) => layer.name === 'expressInit');
  stack.splice((cors >= 0 ? cors : init) + 1, 0, ...admin, ...jsonParser, ...urlencodedParser);
}
