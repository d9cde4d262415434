import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Tally's version from package.json (found upwards from this file, in src/ or dist/src/). */
export const tallyVersion: string = (() => {
  let dir = import.meta.dirname;
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tally' && pkg.version) return pkg.version;
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
})();
