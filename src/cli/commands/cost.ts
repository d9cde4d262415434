import type { Command } from 'commander';
import { UsageError } from '../../analysis/errors.js';
import { estimateCost } from '../../cost/calculator.js';
import { formatCostTable } from '../../cost/format.js';
import { builtInThroughput } from '../../cost/gpu-table.js';
import { INPUT_SPECS, readConfig, resolveInputs, type RawInputs } from '../../cost/inputs.js';
import { builtInPriceTable, loadPriceTable } from '../../cost/prices.js';
import { profileGpu, profileThroughput, readProfile } from '../../cost/profile.js';
import type { RegisterCommand } from './index.js';

interface CostOptions {
  config?: string;
  profile?: string;
  priceTable?: string;
  format?: string;
  [flag: string]: string | undefined;
}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `tally cost`: GPUs, monthly GCP cost, cost per video-minute and break-even price for a workload. */
export const registerCost: RegisterCommand = (program: Command) => {
  const command = program
    .command('cost')
    .description('Estimate GPUs, monthly GCP cost, cost per video-minute and break-even price for a workload (see docs/cost.md).')
    .option('--config <file>', 'YAML or JSON file of inputs (keys are the flag names); flags override it')
    .option('--profile <file>', 'throughput profile written by tally bench --profile-out (default: built-in estimates)')
    .option('--price-table <file>', 'price table JSON (default: src/cost/prices/gcp-us-central1.json)')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)');
  for (const spec of INPUT_SPECS) command.option(`--${spec.flag} <value>`, spec.description);
  command.action((opts: CostOptions) => {
    const format = opts.format ?? (process.stdout.isTTY ? 'table' : 'json');
    if (format !== 'json' && format !== 'table') throw new UsageError(`--format ${format} is unknown: use json or table`);

    const config = opts.config ? readConfig(opts.config) : { values: {} as RawInputs };
    const raw: RawInputs = { ...config.values };
    for (const spec of INPUT_SPECS) {
      const value = opts[camel(spec.flag)];
      if (value !== undefined) raw[spec.flag] = value;
    }
    const profileFile = opts.profile ?? config.profile;
    const priceFile = opts.priceTable ?? config.priceTable;

    const profile = profileFile ? readProfile(profileFile) : undefined;
    const inputs = resolveInputs(raw, { gpu: profile ? profileGpu(profile) : undefined });
    const source = profile && profileFile ? profileThroughput(profile, profileFile) : builtInThroughput;
    const prices = priceFile ? loadPriceTable(priceFile) : builtInPriceTable();
    const estimate = estimateCost(inputs, prices, source);

    if (format === 'json') process.stdout.write(`${JSON.stringify({ inputs, ...estimate }, null, 2)}\n`);
    else process.stdout.write(formatCostTable(estimate, inputs));
  });
};
