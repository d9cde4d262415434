#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { InputError, UsageError } from '../analysis/errors.js';
import { ConfigError } from '../config/env.js';
import { commands } from './commands/index.js';

/** Exit codes: 0 done, 1 anything else, 2 bad usage, 3 bad input. */
export const EXIT = { ok: 0, failure: 1, usage: 2, input: 3 } as const;

export function buildProgram(): Command {
  const program = new Command('tally')
    .description('Count unique objects in videos with YOLOv5.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of commands) register(program);
  return program;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof UsageError || err instanceof ConfigError) return EXIT.usage;
  if (err instanceof InputError) return EXIT.input;
  return EXIT.failure;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    const code = exitCodeFor(err);
    // Commander already printed its own usage message.
    if (!(err instanceof CommanderError)) {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`tally: ${message.split('\n')[0]}\n`);
      if (code === EXIT.failure && process.env.TALLY_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    }
    return code;
  }
}

function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
