import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TallyEnv } from '../config/env.js';

/** Paths the portal never answers, so its SPA fallback cannot shadow the API, the admin panel or operations. */
export const RESERVED_PREFIXES = ['/v1', '/admin', '/docs', '/metrics', '/healthz', '/readyz', '/api', '/queues'];

export function isReservedPath(pathname: string): boolean {
  return RESERVED_PREFIXES.some((p) => pathname === p || pathname.startsWith(p));
}

/**
 * The portal's client-side routes (portal/src/app.tsx), which get index.html. Only these: any other path stays
 * a real 404 from the API, so a typo or a probe never gets a 200 page.
 */
const APP_ROUTES = [/^\/$/, /^\/(signin|signup|keys|usage|account|reset-password|forgot-password)\/?$/, /^\/jobs\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/?$/i];

export function isAppRoute(pathname: string): boolean {
  return !isReservedPath(pathname) && APP_ROUTES.some((r) => r.test(pathname));
}

/** A file of the build (has an extension), served as is when it exists. */
export function isAssetPath(pathname: string): boolean {
  return !isReservedPath(pathname) && path.posix.basename(pathname).includes('.');
}

/**
 * Where the built portal is: TALLY_PORTAL_DIR, else dist/portal beside the compiled code (dist/src/portal → dist/portal)
 * or, when running from sources (tests), the repository's dist/portal.
 */
export function portalDir(env: Pick<TallyEnv, 'portalDir'>, here = import.meta.dirname): string {
  if (env.portalDir) return path.resolve(env.portalDir);
  const root = path.resolve(here, '..', '..');
  return path.basename(root) === 'dist' ? path.join(root, 'portal') : path.join(root, 'dist', 'portal');
}

/**
 * The Content-Security-Policy of the portal's page: its own scripts and styles only (Vite emits no inline
 * script), images from itself (thumbnails) and data: URLs, XHR to itself and, with GCS storage, to the bucket
 * (direct uploads through signed URLs).
 */
export function portalCsp(env: Pick<TallyEnv, 'storage' | 'gcsApiEndpoint'>): string {
  const bucket = env.storage === 'gcs' ? ` ${env.gcsApiEndpoint ? new URL(env.gcsApiEndpoint).origin : 'https://storage.googleapis.com'}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${bucket}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** index.html, read once it exists (a build after start-up is picked up on the next request). */
export class IndexHtml {
  private html?: string;

  constructor(private readonly file: string) {}

  get(): string | undefined {
    if (this.html === undefined && existsSync(this.file)) this.html = readFileSync(this.file, 'utf8');
    return this.html;
  }
}
