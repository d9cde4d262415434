import { Global, Module } from '@nestjs/common';
import { loadEnv, type TallyEnv } from './env.js';

/** Injection token of the validated environment (TallyEnv). Tests override it with their own values. */
export const TALLY_ENV = Symbol('TALLY_ENV');

/** Makes the validated environment injectable everywhere: `@Inject(TALLY_ENV) env: TallyEnv`. */
@Global()
@Module({
  providers: [{ provide: TALLY_ENV, useFactory: (): TallyEnv => loadEnv() }],
  exports: [TALLY_ENV],
})
export class TallyConfigModule {}
