import type { Command } from 'commander';
import { loadEnv } from '../../config/env.js';
import { checkPostgres } from '../../config/preflight.js';
import { createDataSource, runMigrations } from '../../database/data-source.js';
import { ensureDatabase } from '../../database/ensure-database.js';
import type { RegisterCommand } from './index.js';

/** `tally migrate`: creates the database if missing and applies pending migrations. */
export const registerMigrate: RegisterCommand = (program: Command) => {
  program
    .command('migrate')
    .description('Apply pending database migrations (DATABASE_URL); creates the database if it does not exist.')
    .action(async () => {
      const env = loadEnv();
      try {
        if (await ensureDatabase(env.databaseUrl)) process.stderr.write(`created database ${new URL(env.databaseUrl).pathname.slice(1)}\n`);
      } catch {
        await checkPostgres(env.databaseUrl); // throws a ConfigError that says what to fix
      }
      const dataSource = await createDataSource(env).initialize();
      try {
        const applied = await runMigrations(dataSource);
        process.stdout.write(`${JSON.stringify({ applied })}\n`);
      } finally {
        await dataSource.destroy();
      }
    });
};
