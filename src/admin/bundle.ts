/**
 * Build step (`npm run build` runs `node dist/src/admin/bundle.js`): bundles the panel's React components
 * into ADMIN_JS_TMP_DIR (default dist/admin-bundle/, so images that copy dist/ have it) once, so the app starts with ADMIN_JS_SKIP_BUNDLE and
 * never bundles at run time; and copies the .jsx sources next to the compiled code (AdminJS checks that
 * each component's file exists when it is registered).
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { applyAdminJsProcessEnv, loadEnv } from '../config/env.js';

const started = Date.now();
const env = loadEnv();
applyAdminJsProcessEnv(env, 'bundle');
const { COMPONENTS_DIR, registerComponents } = await import('./components.js');
// Compiled (dist/src/admin): copy from src/admin/components; run from the sources, they are already there.
const compiledRoot = path.resolve(import.meta.dirname, '..', '..');
if (path.basename(compiledRoot) === 'dist') await cp(path.resolve(compiledRoot, '..', 'src', 'admin', 'components'), COMPONENTS_DIR, { recursive: true });
const { default: AdminJS, ComponentLoader } = await import('adminjs');
const componentLoader = new ComponentLoader();
registerComponents(componentLoader);
await new AdminJS({ componentLoader }).initialize();
process.stdout.write(`admin bundle: ${path.join(env.adminBundleDir, 'bundle.js')} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
