import path from 'node:path';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { IndexHtml, isAppRoute, isAssetPath, portalCsp, portalDir } from './portal-static.js';

const YEAR_SEC = 365 * 24 * 3600;

/**
 * Serves the built portal at `/`: hashed assets cached for a year, the client-side routes get index.html.
 * Everything else (the API, the admin panel, unknown paths) falls through to Nest.
 */
@Injectable()
export class PortalStaticMiddleware implements NestMiddleware {
  private readonly files: RequestHandler;
  private readonly index: IndexHtml;
  private readonly csp: string;

  constructor(@Inject(TALLY_ENV) env: TallyEnv) {
    const dir = portalDir(env);
    this.index = new IndexHtml(path.join(dir, 'index.html'));
    this.csp = portalCsp(env);
    this.files = express.static(dir, {
      index: false,
      fallthrough: true,
      setHeaders: (res, file) => {
        const hashed = file.includes(`${path.sep}assets${path.sep}`);
        res.setHeader('Cache-Control', hashed ? `public, max-age=${YEAR_SEC}, immutable` : 'public, max-age=3600');
      },
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const pathname = (req.originalUrl ?? req.url).split('?')[0];
    if (isAssetPath(pathname)) {
      req.url = req.originalUrl; // serve-static resolves req.url; Nest may have mounted this under a path
      this.files(req, res, next);
      return;
    }
    if (!isAppRoute(pathname)) return next();
    const html = this.index.get();
    if (html === undefined) {
      res.status(503).type('text/plain').send('The portal is not built: run `npm run build:portal`.\n');
      return;
    }
    res.setHeader('Content-Security-Policy', this.csp);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html);
  }
}
