import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { run } from '../../src/cli/main.js';
import { repoRoot } from './paths.js';

const execFileP = promisify(execFile);

/** Runs the tally CLI in-process and captures what it writes. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const outWrite = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
  }
}

/**
 * Runs the real CLI as a child process from its sources (through the swc loader), with only PATH
 * and DATABASE_URL in its environment; resolves with the exit code and output.
 */
export async function runCliProcess(databaseUrl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, ['--import', './test/support/register-ts.mjs', 'src/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
