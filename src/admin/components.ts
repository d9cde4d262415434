import path from 'node:path';
import type { ComponentLoader } from 'adminjs';

/**
 * The panel's own React components (src/admin/components/*.jsx). AdminJS bundles them at build time
 * (`npm run build` → bundle.ts) into ADMIN_JS_TMP_DIR; at run time only the names matter, but AdminJS
 * checks that the files exist, so the build copies them next to the compiled code.
 */
export const COMPONENT_FILES = {
  Dashboard: 'dashboard.jsx',
  ActionForm: 'action-form.jsx',
  ReportLinks: 'report-links.jsx',
} as const;

export type ComponentName = keyof typeof COMPONENT_FILES;

export const COMPONENTS_DIR = path.join(import.meta.dirname, 'components');

export function registerComponents(loader: ComponentLoader): Record<ComponentName, string> {
  const names = {} as Record<ComponentName, string>;
  for (const [name, file] of Object.entries(COMPONENT_FILES) as [ComponentName, string][]) {
    names[name] = loader.add(name, path.join(COMPONENTS_DIR, file));
  }
  return names;
}
