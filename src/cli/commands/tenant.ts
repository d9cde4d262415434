import type { Command } from 'commander';
import { UsageError } from '../../analysis/errors.js';
import { DomainError } from '../../common/errors.js';
import { loadEnv } from '../../config/env.js';
import { checkPostgres } from '../../config/preflight.js';
import { createDataSource } from '../../database/data-source.js';
import { createTenant } from '../../tenants/tenants.service.js';
import type { RegisterCommand } from './index.js';

/** `tally tenant create --name NAME [--plan PLAN]` → `{ "tenantId", "apiKey" }` (the key is shown this once). */
export const registerTenant: RegisterCommand = (program: Command) => {
  const tenant = program.command('tenant').description('Manage tenants (DATABASE_URL).');
  tenant
    .command('create')
    .description('Create a tenant and its first API key; prints {"tenantId","apiKey"}.')
    .requiredOption('--name <name>', 'tenant name')
    .option('--plan <plan>', 'plan id: free, pro or enterprise', 'free')
    .action(async (opts: { name: string; plan: string }) => {
      const env = loadEnv();
      await checkPostgres(env.databaseUrl);
      const dataSource = await createDataSource(env).initialize();
      try {
        const created = await createTenant(dataSource, opts.name, opts.plan);
        process.stdout.write(`${JSON.stringify(created)}\n`);
      } catch (err) {
        if (err instanceof DomainError) throw new UsageError(err.message);
        if ((err as { code?: string }).code === '42P01') throw new Error('the database has no tables yet: run `tally migrate` first');
        throw err;
      } finally {
        await dataSource.destroy();
      }
    });
};
