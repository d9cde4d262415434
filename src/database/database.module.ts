import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { dataSourceOptions, runMigrations } from './data-source.js';

/** The TypeORM connection. Migrations run at start-up (under a lock) unless TALLY_MIGRATE_ON_START=false. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [TALLY_ENV],
      useFactory: (env: TallyEnv): DataSourceOptions => ({ ...dataSourceOptions(env), migrationsRun: env.migrateOnStart }),
      dataSourceFactory: async (options) => {
        const opts = options as DataSourceOptions;
        // TypeORM's own migrationsRun takes no lock; ours does.
        const dataSource = await new DataSource({ ...opts, migrationsRun: false }).initialize();
        if (opts.migrationsRun) await runMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
