import type { Command } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerBench } from './bench.js';
import { registerCost } from './cost.js';
import { registerDetect } from './detect.js';
import { registerMigrate } from './migrate.js';
import { registerTenant } from './tenant.js';
import { registerUsage } from './usage.js';
import { registerStaff } from './staff.js';

/** Each CLI command lives in its own file under src/cli/commands and registers itself here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerAnalyze, registerDetect, registerBench, registerMigrate, registerTenant, registerCost, registerUsage, registerStaff];
