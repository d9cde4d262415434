/**
 * The Dockerfiles and compose files, checked without a Docker engine: every file a COPY takes from
 * the build context exists and is not excluded by .dockerignore, every `--from` names an earlier
 * stage or an image, the images run as a non-root user, nothing is piped from curl into a shell,
 * and the compose stack has the services, health checks, volumes and settings it needs.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { repoRoot } from '../support/paths.js';

interface Instruction {
  keyword: string;
  /** The arguments, continuation lines joined. */
  args: string;
  line: number;
}

interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into instructions (comments dropped, `\` continuations joined). */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return; // comment lines inside a continuation
    if (pending === '') startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [keyword, ...rest] = full.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: startLine });
  });
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!match) throw new Error(`line ${ins.line}: cannot read FROM ${ins.args}`);
      const base = match[1].replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '');
      stages.push({ base, name: match[2], instructions: [] });
    } else if (stages.length === 0 && ins.keyword === 'ARG') {
      const [name, value = ''] = ins.args.split('=');
      args.set(name, value);
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
  }
  return { args, stages };
}

interface Copy {
  from?: string;
  sources: string[];
  dest: string;
  line: number;
}

function copiesOf(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => {
      const words = i.args.startsWith('[') ? (JSON.parse(i.args) as string[]) : i.args.split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: paths.slice(0, -1), dest: paths.at(-1) as string, line: i.line };
    });
}

const readRepo = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

/** .dockerignore patterns (this repo uses plain paths and `**\/name`, no negations). */
const dockerignore = readRepo('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

function ignoredByDockerignore(source: string): boolean {
  const clean = source.replace(/^\.\//, '').replace(/\/$/, '');
  return dockerignore.some((pattern) => {
    const p = pattern.replace(/^\*\*\//, '');
    const anywhere = pattern.startsWith('**/');
    const parts = clean.split('/');
    if (anywhere) return parts.includes(p);
    return clean === p || clean.startsWith(`${p}/`);
  });
}

const instruction = (stage: Stage, keyword: string): Instruction[] => stage.instructions.filter((i) => i.keyword === keyword);
const runText = (stage: Stage): string => instruction(stage, 'RUN').map((i) => i.args).join('\n');

describe.each(['docker/Dockerfile', 'docker/Dockerfile.gpu'])('%s', (file) => {
  const { stages } = parseDockerfile(readRepo(file));
  const runtime = stages.at(-1) as Stage;

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const fromContext = stages.flatMap(copiesOf).filter((c) => c.from === undefined);
    expect(fromContext.length).toBeGreaterThan(3);
    for (const copy of fromContext) {
      for (const source of copy.sources) {
        expect({ line: copy.line, source, exists: existsSync(path.join(repoRoot, source)) }).toEqual({ line: copy.line, source, exists: true });
        expect({ line: copy.line, source, ignored: ignoredByDockerignore(source) }).toEqual({ line: copy.line, source, ignored: false });
      }
    }
  });

  it('names in --from an earlier stage or a tagged image, and takes from the build stage only what it made', () => {
    stages.forEach((stage, index) => {
      const earlier = new Set(stages.slice(0, index).map((s) => s.name));
      for (const copy of copiesOf(stage).filter((c) => c.from !== undefined)) {
        const from = copy.from as string;
        const isImage = /^[\w./-]+:[\w.-]+$/.test(from);
        expect({ line: copy.line, from, known: earlier.has(from) || isImage }).toEqual({ line: copy.line, from, known: true });
      }
    });
    const build = stages.find((s) => s.name === 'build') as Stage;
    const made: Record<string, RegExp> = {
      '/app/node_modules': /npm ci/,
      '/app/dist': /npm run build/,
    };
    const buildCopied = copiesOf(build).flatMap((c) => c.sources.map((s) => `/app/${s.replace(/^\.\//, '')}`));
    for (const copy of copiesOf(runtime).filter((c) => c.from === 'build')) {
      for (const source of copy.sources) {
        if (made[source]) expect(runText(build)).toMatch(made[source]);
        else expect(buildCopied).toContain(source);
      }
    }
    // The build's entry point: tsc writes dist/src/main.js from src/main.ts.
    expect(JSON.parse(readRepo('package.json')).scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
    expect(existsSync(path.join(repoRoot, 'src/main.ts'))).toBe(true);
  });

  it('runs as a non-root user with a health check on /healthz and starts dist/src/main.js', () => {
    const user = instruction(runtime, 'USER').at(-1)?.args ?? 'root';
    expect(user.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(instruction(runtime, 'HEALTHCHECK').at(-1)?.args).toMatch(/\/healthz/);
    expect(JSON.parse(instruction(runtime, 'CMD').at(-1)?.args as string)).toEqual(['node', 'dist/src/main.js']);
    expect(runText(runtime)).toMatch(/apt-get install[^\n]*\bffmpeg\b/);
  });

  it('downloads nothing at run time and pipes nothing from the network into a shell', () => {
    // Instructions only: comments may mention what is avoided.
    const text = stages.flatMap((s) => s.instructions.map((i) => `${i.keyword} ${i.args}`)).join('\n');
    expect(text).not.toMatch(/(curl|wget)[^\n|]*\|\s*(ba|z)?sh\b/);
    expect(text).not.toMatch(/^\s*ADD\s+https?:/im);
    expect(text).not.toMatch(/(curl|wget)\b[^\n]*\.onnx/);
    // The model comes from the `models` stage (a named build context), never from a URL.
    expect(copiesOf(runtime).find((c) => c.from === 'models')?.dest).toBe('./models/');
    for (const stage of stages) expect(instruction(stage, 'CMD').concat(instruction(stage, 'ENTRYPOINT')).map((i) => i.args).join(' ')).not.toMatch(/curl|wget/);
  });

  it('is multi-stage: dev dependencies are pruned before the runtime copies node_modules', () => {
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['models', 'build', 'runtime']));
    expect(runText(stages.find((s) => s.name === 'build') as Stage)).toMatch(/npm prune --omit=dev/);
  });
});

describe('docker/Dockerfile (CPU)', () => {
  const { stages } = parseDockerfile(readRepo('docker/Dockerfile'));
  it('builds on node:20-slim and skips the CUDA download', () => {
    expect(stages.find((s) => s.name === 'runtime')?.base).toBe('node:20-slim');
    expect(instruction(stages.find((s) => s.name === 'build') as Stage, 'ENV').map((i) => i.args).join(' ')).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip/);
  });
});

describe('docker/Dockerfile.gpu', () => {
  const text = readRepo('docker/Dockerfile.gpu');
  const { stages } = parseDockerfile(text);
  const runtime = stages.at(-1) as Stage;

  it('runs on a CUDA runtime image with cuDNN, with Node copied from the official image', () => {
    expect(runtime.base).toMatch(/^nvidia\/cuda:12\.\d+(\.\d+)?-cudnn-runtime-ubuntu22\.04$/);
    expect(stages.find((s) => s.name === 'node')?.base).toBe('node:20-slim');
    expect(copiesOf(runtime)).toContainEqual(expect.objectContaining({ from: 'node', sources: ['/usr/local/bin/node'] }));
  });

  it('installs the CUDA provider at build time and checks its libraries resolve', () => {
    expect(runText(stages.find((s) => s.name === 'build') as Stage)).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\.js/);
    expect(runText(runtime)).toMatch(/check-gpu-libs/);
    expect(text).toMatch(/TALLY_EXECUTION_PROVIDERS=tensorrt,cuda,cpu/);
  });

  it('gives ffmpeg NVDEC: the video driver capability and a cuda hwaccel check', () => {
    expect(text).toMatch(/NVIDIA_DRIVER_CAPABILITIES=[\w,]*\bvideo\b/);
    expect(runText(runtime)).toMatch(/ffmpeg -hide_banner -hwaccels \| grep -qx cuda/);
  });
});

type ComposeService = {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { resources: { reservations: { devices: { driver: string; count: number; capabilities: string[] }[] } } };
};
type ComposeFile = { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };

const loadCompose = (file: string): ComposeFile => load(readRepo(file), { schema: YAML11_SCHEMA }) as ComposeFile;
/** Resolves `${NAME:-default}` to its default, as compose does when NAME is unset. */
const withDefaults = (value: string): string => value.replace(/\$\{\w+:-([^}]*)\}/g, '$1');

describe('docker/compose.yml', () => {
  const compose = loadCompose('docker/compose.yml');
  const { services } = compose;

  it('has postgres 16, redis 7, the api and the worker, each with a health check', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'api', 'worker']));
    expect(services.postgres.image).toBe('postgres:16');
    expect(services.redis.image).toBe('redis:7');
    for (const name of ['postgres', 'redis', 'api', 'worker']) expect(services[name].healthcheck?.test).toBeDefined();
  });

  it.each(['api', 'worker'])('gives %s the settings it needs, pointing at the compose services', (name) => {
    const env = services[name].environment as Record<string, string>;
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'TALLY_MODEL_PATH', 'TALLY_STORAGE_DIR', 'TALLY_QUEUE_PREFIX', 'PORT']) {
      expect({ key, set: typeof env[key] === 'string' && env[key] !== '' }).toEqual({ key, set: true });
    }
    expect(env.TALLY_ROLE).toBe(name);
    expect(new URL(withDefaults(env.DATABASE_URL)).hostname).toBe('postgres');
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    expect(services[name].depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    // The model is mounted where TALLY_MODEL_PATH points, read-only.
    const modelMount = (services[name].volumes ?? []).map(withDefaults).find((v) => v.endsWith(':/models:ro'));
    expect(modelMount).toBeDefined();
    expect(withDefaults(env.TALLY_MODEL_PATH)).toMatch(/^\/models\/.+\.onnx$/);
    const build = services[name].build as { context: string; dockerfile: string };
    expect(existsSync(path.join(repoRoot, 'docker', build.context, build.dockerfile))).toBe(true);
  });

  it('declares every named volume it mounts', () => {
    const named = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => withDefaults(v).split(':')[0])
      .filter((source) => !source.startsWith('.') && !source.startsWith('/'));
    expect(named.length).toBeGreaterThanOrEqual(3);
    for (const volume of named) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });
});

describe('docker/compose.gpu.yml', () => {
  const { services } = loadCompose('docker/compose.gpu.yml');
  it('runs the worker from the GPU image with one NVIDIA GPU reserved', () => {
    const worker = services.worker;
    expect(worker.build?.dockerfile).toBe('docker/Dockerfile.gpu');
    expect(worker.deploy?.resources.reservations.devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    expect(withDefaults(worker.environment?.TALLY_EXECUTION_PROVIDERS ?? '')).toBe('tensorrt,cuda,cpu');
  });
});

describe('docker/compose.shared-data.yml (with a GPU worker pool)', () => {
  const { services } = loadCompose('docker/compose.shared-data.yml') as { services: Record<string, ComposeService & { ports?: string[]; command?: string[] }> };
  const required = /^\$\{(\w+):\?[^}]*\}$/;

  it('publishes PostgreSQL and Redis on the address the startup script gives, never by default', () => {
    for (const [name, port] of [
      ['postgres', '5432'],
      ['redis', '6379'],
    ] as const) {
      const [published] = services[name].ports ?? [];
      const bind = published.slice(0, published.indexOf(`:${port}:${port}`));
      expect({ name, variable: required.exec(bind)?.[1] }).toEqual({ name, variable: 'TALLY_DATA_BIND' });
    }
  });

  it('gives Redis a required password, and the api and worker the URL with it', () => {
    const command = services.redis.command ?? [];
    expect(required.exec(command[command.indexOf('--requirepass') + 1])?.[1]).toBe('REDIS_PASSWORD');
    expect(command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction'])); // as in compose.yml
    expect(required.exec(services.redis.environment?.REDISCLI_AUTH ?? '')?.[1]).toBe('REDIS_PASSWORD'); // the health check's redis-cli
    for (const name of ['api', 'worker']) expect(services[name].environment?.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:6379$/);
  });
});
