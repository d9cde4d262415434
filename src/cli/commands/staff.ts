import type { Command } from 'commander';
import { UsageError } from '../../analysis/errors.js';
import { DomainError } from '../../common/errors.js';
import { createStaffUser } from '../../admin/staff-users.js';
import { loadEnv } from '../../config/env.js';
import { checkPostgres } from '../../config/preflight.js';
import { createDataSource } from '../../database/data-source.js';
import type { RegisterCommand } from './index.js';

/** `tally staff create --email E --password P --role support|admin` → `{ "id", "email", "role" }`. */
export const registerStaff: RegisterCommand = (program: Command) => {
  const staff = program.command('staff').description('Manage admin panel staff accounts (DATABASE_URL).');
  staff
    .command('create')
    .description('Create a staff account for the admin panel (/admin); prints {"id","email","role"}.')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--password <password>', 'password: 10+ characters, not containing the email')
    .requiredOption('--role <role>', 'support (view, retry, cancel, revoke keys, raise quotas within the plan) or admin (everything)')
    .action(async (opts: { email: string; password: string; role: string }) => {
      const env = loadEnv();
      await checkPostgres(env.databaseUrl);
      const dataSource = await createDataSource(env).initialize();
      try {
        const created = await createStaffUser(dataSource, opts);
        process.stdout.write(`${JSON.stringify({ id: created.id, email: created.email, role: created.role })}\n`);
      } catch (err) {
        if (err instanceof DomainError) throw new UsageError(err.message);
        if ((err as { code?: string }).code === '42P01') throw new Error('the database has no staff_users table yet: run `tally migrate` first');
        throw err;
      } finally {
        await dataSource.destroy();
      }
    });
};
