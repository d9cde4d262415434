import type { Command } from 'commander';
import { UsageError } from '../../analysis/errors.js';
import { parsePeriod } from '../../billing/billing-period.js';
import { formatUsageTable } from '../../billing/usage-format.js';
import { usageSummary } from '../../billing/usage-summary.js';
import { DomainError } from '../../common/errors.js';
import { loadEnv } from '../../config/env.js';
import { checkPostgres } from '../../config/preflight.js';
import { createDataSource } from '../../database/data-source.js';
import { choice } from '../options.js';
import type { RegisterCommand } from './index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `tally usage --tenant ID [--period YYYY-MM] [--format json|table]`: what GET /v1/usage answers, from the ledger. */
export const registerUsage: RegisterCommand = (program: Command) => {
  program
    .command('usage')
    .description("A tenant's billable usage in a month (UTC) from the usage ledger, with the estimated overage charge (DATABASE_URL).")
    .requiredOption('--tenant <id>', 'tenant id (uuid)')
    .option('--period <YYYY-MM>', 'calendar month, UTC (default: this month)')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)', choice('--format', ['json', 'table'] as const))
    .action(async (opts: { tenant: string; period?: string; format?: 'json' | 'table' }) => {
      if (!UUID.test(opts.tenant)) throw new UsageError(`--tenant ${opts.tenant} is not a tenant id (a uuid)`);
      const format = opts.format ?? (process.stdout.isTTY ? 'table' : 'json');
      const env = loadEnv();
      await checkPostgres(env.databaseUrl);
      const dataSource = await createDataSource(env).initialize();
      try {
        const summary = await usageSummary(dataSource, opts.tenant.toLowerCase(), parsePeriod(opts.period));
        process.stdout.write(format === 'json' ? `${JSON.stringify(summary)}\n` : formatUsageTable(summary));
      } catch (err) {
        if (err instanceof DomainError) throw new UsageError(err.message);
        if ((err as { code?: string }).code === '42P01') throw new Error('the database has no billing tables yet: run `tally migrate` first');
        throw err;
      } finally {
        await dataSource.destroy();
      }
    });
};
