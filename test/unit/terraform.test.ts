/**
 * The Terraform configuration, checked without terraform: every .tf file is parsed with
 * @cdktf/hcl2json (offline, HCL → JSON) and the resources the deployment relies on are asserted —
 * the A100 VM and its data disk, the static IP and HTTPS load balancer on /readyz, the bucket's
 * access and lifecycle, least-privilege IAM, firewall sources, and that every reference resolves.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from '@cdktf/hcl2json';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BACKLOG_METRIC } from '../../src/metrics/cloud-backlog-exporter.js';
import { repoRoot } from '../support/paths.js';

type Body = Record<string, unknown>;
interface Config {
  resource: Record<string, Record<string, Body>>;
  variable: Record<string, Body>;
  output: Record<string, Body>;
  locals: Record<string, unknown>;
  terraform: Body[];
  /** All .tf sources joined, for reference scans. */
  text: string;
}

const tfDir = path.join(repoRoot, 'terraform');
const LB_RANGES = ['130.211.0.0/22', '35.191.0.0/16'];
const IAP_RANGE = '35.235.240.0/20';

let config: Config;

beforeAll(async () => {
  config = { resource: {}, variable: {}, output: {}, locals: {}, terraform: [], text: '' };
  const files = readdirSync(tfDir).filter((f) => f.endsWith('.tf'));
  for (const file of files) {
    const text = readFileSync(path.join(tfDir, file), 'utf8');
    config.text += `${text}\n`;
    const json = (await parse(file, text)) as Record<string, unknown>;
    for (const [type, byName] of Object.entries((json.resource ?? {}) as Record<string, Record<string, Body[]>>)) {
      for (const [name, [body]] of Object.entries(byName)) {
        config.resource[type] ??= {};
        expect(config.resource[type][name]).toBeUndefined(); // declared twice
        config.resource[type][name] = body;
      }
    }
    for (const [name, [body]] of Object.entries((json.variable ?? {}) as Record<string, Body[]>)) config.variable[name] = body;
    for (const [name, [body]] of Object.entries((json.output ?? {}) as Record<string, Body[]>)) config.output[name] = body;
    for (const block of (json.locals ?? []) as Record<string, unknown>[]) Object.assign(config.locals, block);
    config.terraform.push(...((json.terraform ?? []) as Body[]));
  }
}, 60_000);

/** A resource's body; fails the test when it is not declared. */
function resource(type: string, name: string): Body {
  const body = config.resource[type]?.[name];
  if (!body) throw new Error(`terraform declares no ${type}.${name}`);
  return body;
}

/** First (only) nested block of a body, e.g. block(instance, 'scheduling'). */
function block(body: Body, name: string): Body {
  const value = body[name] as Body[] | undefined;
  if (!value?.[0]) throw new Error(`no ${name} block`);
  return value[0];
}

/** Resolves "${var.x}" and "${local.x}" (whole-string references) to the default / local value. */
function resolve(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const ref = /^\$\{(var|local)\.(\w+)\}$/.exec(value);
  if (!ref) return value;
  return resolve(ref[1] === 'var' ? config.variable[ref[2]]?.default : config.locals[ref[2]]);
}

const refs = (text: string, pattern: RegExp): Set<string> => new Set([...text.matchAll(pattern)].map((m) => m[1]));

/** The templatefile("${path.module}/X.tftpl", { k = … }) calls of an expression, in order: file and keys passed. */
function templateCalls(expr: string): { file: string; vars: Set<string> }[] {
  const calls: { file: string; vars: Set<string> }[] = [];
  for (const m of expr.matchAll(/templatefile\("\$\{path\.module\}\/([\w.-]+\.tftpl)",\s*\{/g)) {
    let depth = 1;
    let i = (m.index ?? 0) + m[0].length;
    const start = i;
    for (; i < expr.length && depth > 0; i++) {
      if (expr[i] === '{') depth++;
      else if (expr[i] === '}') depth--;
    }
    const body = expr.slice(start, i - 1);
    // Keys at the start of a line (nested ${…} interpolations hold no `name =`).
    calls.push({ file: m[1], vars: new Set([...body.matchAll(/^\s*(\w+)\s*=/gm)].map((k) => k[1])) });
  }
  return calls;
}

describe('terraform/', () => {
  it('pins the google provider to ~> 6', () => {
    const providers = config.terraform.flatMap((t) => (t.required_providers ?? []) as Record<string, { source: string; version: string }>[]);
    expect(providers[0].google).toEqual({ source: 'hashicorp/google', version: '~> 6.0' });
  });

  it('describes every variable, declares every var.x it uses and uses every variable it declares', () => {
    for (const [name, body] of Object.entries(config.variable)) {
      expect({ name, description: typeof body.description === 'string' && (body.description as string).length > 10 }).toEqual({ name, description: true });
    }
    const used = refs(config.text, /\bvar\.(\w+)/g);
    expect([...used].filter((v) => !(v in config.variable))).toEqual([]);
    expect(Object.keys(config.variable).filter((v) => !used.has(v))).toEqual([]);
    const localsUsed = refs(config.text, /\blocal\.(\w+)/g);
    expect([...localsUsed].filter((l) => !(l in config.locals))).toEqual([]);
    expect(Object.keys(config.locals).filter((l) => !localsUsed.has(l))).toEqual([]);
  });

  it('refers only to resources it declares', () => {
    const referenced = [...config.text.matchAll(/\b(google_[a-z0-9_]+|random_[a-z0-9_]+)\.([a-z0-9_]+)\b/g)];
    const dangling = referenced
      .filter(([, type]) => !type.endsWith('_'))
      .filter(([, type, name]) => config.resource[type]?.[name] === undefined)
      .map(([whole]) => whole);
    expect([...new Set(dangling)]).toEqual([]);
  });

  it('has an a2-highgpu-1g VM with one A100 that stops for host maintenance, without an external IP', () => {
    const vm = resource('google_compute_instance', 'gpu');
    expect(resolve(vm.machine_type)).toBe('a2-highgpu-1g');
    expect((vm.guest_accelerator as Body[]).map((g) => ({ type: resolve(g.type), count: resolve(g.count) }))).toEqual([
      { type: 'nvidia-tesla-a100', count: 1 },
    ]);
    expect(block(vm, 'scheduling')).toMatchObject({ on_host_maintenance: 'TERMINATE', automatic_restart: true, preemptible: false });
    expect(block(vm, 'network_interface').access_config).toBeUndefined();
    expect(block(vm, 'shielded_instance_config')).toMatchObject({ enable_vtpm: true, enable_integrity_monitoring: true });
    expect(resolve(block(block(vm, 'boot_disk'), 'initialize_params').image)).toBe('ubuntu-os-cloud/ubuntu-2204-lts');
    expect(block(vm, 'service_account').email).toBe('${google_service_account.vm.email}');
  });

  it('attaches a separate 100 GB persistent data disk in the VM zone', () => {
    const vm = resource('google_compute_instance', 'gpu');
    const attached = block(vm, 'attached_disk');
    expect(attached.source).toBe('${google_compute_disk.data.id}');
    expect(attached.mode).toBe('READ_WRITE');
    const disk = resource('google_compute_disk', 'data');
    expect(resolve(disk.size)).toBe(100);
    expect(['pd-balanced', 'pd-ssd']).toContain(resolve(disk.type));
    expect(disk.zone).toBe(vm.zone);
    // The startup script finds it by the device name it is attached under.
    expect(attached.device_name).toBe('${local.data_disk_device}');
  });

  it('renders each startup script from the shared GPU host part and its own, passing exactly the variables they use', () => {
    const main = templateCalls((resource('google_compute_instance', 'gpu').metadata as Record<string, string>)['startup-script']);
    const worker = templateCalls((resource('google_compute_instance_template', 'worker').metadata as Record<string, string>)['startup-script']);
    expect(main.map((c) => c.file)).toEqual(['gpu-host.sh.tftpl', 'startup.sh.tftpl']);
    expect(worker.map((c) => c.file)).toEqual(['gpu-host.sh.tftpl', 'worker-startup.sh.tftpl']);
    for (const call of [...main, ...worker]) {
      const template = readFileSync(path.join(tfDir, call.file), 'utf8');
      // ${name} is a template variable; $${name} would be a literal shell expansion.
      const used = new Set([...template.matchAll(/(?<!\$)\$\{(\w+)\}/g)].map((m) => m[1]));
      expect({ file: call.file, vars: [...used].sort() }).toEqual({ file: call.file, vars: [...call.vars].sort() });
    }
    const host = readFileSync(path.join(tfDir, 'gpu-host.sh.tftpl'), 'utf8');
    expect(host).toMatch(/nvidia-container-toolkit/);
    expect(host).toMatch(/ubuntu-drivers install --gpgpu/);
    const startup = readFileSync(path.join(tfDir, 'startup.sh.tftpl'), 'utf8');
    expect(startup).toMatch(/mount "\$DATA_DIR"/);
    expect(startup).toMatch(/COMPOSE="docker compose -f compose\.yml -f compose\.gpu\.yml"/);
    expect(startup).toMatch(/COMPOSE="\$COMPOSE -f compose\.shared-data\.yml"/); // with a worker pool
    expect(startup).toMatch(/\$COMPOSE up -d/);
    // The compose files it writes are the repository's own.
    const call = (resource('google_compute_instance', 'gpu').metadata as Record<string, string>)['startup-script'];
    for (const file of ['compose.yml', 'compose.gpu.yml', 'compose.shared-data.yml']) expect(call).toContain(`file("\${path.module}/../docker/${file}")`);
    expect(readFileSync(path.join(tfDir, 'worker-startup.sh.tftpl'), 'utf8')).toMatch(/docker run -d --name tally-worker .*--gpus all/);
  });

  it.each(['startup.sh.tftpl', 'worker-startup.sh.tftpl'])('renders gpu-host.sh.tftpl + %s to something bash can parse', (file) => {
    const template = [readFileSync(path.join(tfDir, 'gpu-host.sh.tftpl'), 'utf8'), readFileSync(path.join(tfDir, file), 'utf8')].join('\n');
    expect(template).not.toMatch(/%\{/); // no template directives: plain interpolation only
    const rendered = template.replace(/(?<!\$)\$\{(\w+)\}/g, (_, name: string) => `x${name}`).replaceAll('$${', '${');
    expect(rendered.startsWith('#!/bin/bash\n')).toBe(true);
    execFileSync('bash', ['-n'], { input: rendered }); // throws with bash's message on a syntax error
  });

  it('keeps videos in a bucket with uniform access, no versioning and a lifecycle rule on the video prefix', () => {
    const bucket = resource('google_storage_bucket', 'videos');
    expect(bucket.uniform_bucket_level_access).toBe(true);
    expect(bucket.public_access_prevention).toBe('enforced');
    expect(block(bucket, 'versioning').enabled).toBe(false);
    const rules = bucket.lifecycle_rule as Body[];
    const deleteVideos = rules.find((r) => block(r, 'action').type === 'Delete') as Body;
    expect(resolve(block(deleteVideos, 'condition').age)).toBe(3);
    expect(resolve(block(deleteVideos, 'condition').matches_prefix)).toEqual(['tenants/']);
    // The prefix matches the keys the app writes (src/storage/storage-keys.ts).
    expect(readFileSync(path.join(repoRoot, 'src/storage/storage-keys.ts'), 'utf8')).toMatch(/`tenants\/\$\{tenantId\}\/videos\//);
  });

  it('serves HTTPS on a static IP through a managed certificate, URL map and backend on /readyz', () => {
    const address = resource('google_compute_global_address', 'app');
    expect(address).toBeDefined();
    const cert = resource('google_compute_managed_ssl_certificate', 'app');
    expect(block(cert, 'managed').domains).toEqual(['${var.domain}']);

    const group = resource('google_compute_instance_group', 'app');
    expect(group.instances).toEqual(['${google_compute_instance.gpu.self_link}']);
    expect(block(group, 'named_port')).toEqual({ name: 'http', port: '${var.app_port}' });

    const check = resource('google_compute_health_check', 'app');
    expect(block(check, 'http_health_check')).toEqual({ port: '${var.app_port}', request_path: '/readyz' });

    const backend = resource('google_compute_backend_service', 'app');
    expect(backend.health_checks).toEqual(['${google_compute_health_check.app.id}']);
    expect(block(backend, 'backend').group).toBe('${google_compute_instance_group.app.id}');
    expect(backend.port_name).toBe('http');

    expect(resource('google_compute_url_map', 'https').default_service).toBe('${google_compute_backend_service.app.id}');
    const proxy = resource('google_compute_target_https_proxy', 'app');
    expect(proxy).toMatchObject({ url_map: '${google_compute_url_map.https.id}', ssl_certificates: ['${google_compute_managed_ssl_certificate.app.id}'] });

    const https = resource('google_compute_global_forwarding_rule', 'https');
    expect(https).toMatchObject({ port_range: '443', target: '${google_compute_target_https_proxy.app.id}', ip_address: '${google_compute_global_address.app.address}' });
    // Every piece of the load balancer uses the same scheme.
    expect(https.load_balancing_scheme).toBe(backend.load_balancing_scheme);
  });

  it('redirects HTTP to HTTPS on the same IP', () => {
    const http = resource('google_compute_global_forwarding_rule', 'http');
    expect(http).toMatchObject({ port_range: '80', target: '${google_compute_target_http_proxy.redirect.id}', ip_address: '${google_compute_global_address.app.address}' });
    expect(resource('google_compute_target_http_proxy', 'redirect').url_map).toBe('${google_compute_url_map.http_redirect.id}');
    expect(block(resource('google_compute_url_map', 'http_redirect'), 'default_url_redirect')).toMatchObject({ https_redirect: true });
  });

  it('lets only Google load balancer and health-check ranges reach the app port, and only IAP reach SSH', () => {
    // Rules by address range; the pool's rule admits a network tag (checked below).
    const firewalls = Object.entries(config.resource.google_compute_firewall).filter(([, fw]) => fw.source_tags === undefined);
    expect(firewalls.length).toBeGreaterThan(0);
    for (const [name, fw] of firewalls) {
      const sources = resolve(fw.source_ranges) as string[] | string;
      const list = Array.isArray(sources) ? sources.map(resolve) : [resolve(sources)];
      expect({ name, open: list.includes('0.0.0.0/0') }).toEqual({ name, open: false });
      const ports = (fw.allow as Body[]).flatMap((a) => (a.ports as string[]).map(resolve));
      if (ports.includes('22')) {
        expect({ name, list, ports }).toEqual({ name, list: [IAP_RANGE], ports: ['22'] });
      } else {
        expect({ name, list, ports }).toEqual({ name, list: LB_RANGES, ports: ['${tostring(var.app_port)}'] });
      }
      expect(fw.target_tags).toEqual(['${local.app_tag}']);
    }
    expect(resource('google_compute_instance', 'gpu').tags).toEqual(['${local.app_tag}']);
  });

  it('gives the VM service account least privilege: its bucket, logs and metrics, nothing project-wide beyond that', () => {
    const member = '${local.vm_member}';
    const projectRoles = Object.values(config.resource.google_project_iam_member ?? {}).map((b) => ({ role: b.role, member: b.member }));
    expect(projectRoles.sort((a, b) => String(a.role).localeCompare(String(b.role)))).toEqual([
      { role: 'roles/logging.logWriter', member },
      { role: 'roles/monitoring.metricWriter', member },
    ]);
    expect(resource('google_storage_bucket_iam_member', 'vm_objects')).toMatchObject({
      bucket: '${google_storage_bucket.videos.name}',
      role: 'roles/storage.objectAdmin',
      member,
    });
    expect(config.text).not.toMatch(/roles\/(owner|editor|storage\.admin)\b/);
    expect(config.resource.google_project_iam_binding).toBeUndefined(); // authoritative bindings would strip others
  });

  it('can add a GPU worker pool (off by default) that scales on the analysis backlog the API writes', () => {
    expect(config.variable.worker_pool_max_size.default).toBe(0);
    expect(config.variable.worker_pool_min_size.default).toBe(0);
    const template = resource('google_compute_instance_template', 'worker');
    const group = resource('google_compute_instance_group_manager', 'workers');
    const scaler = resource('google_compute_autoscaler', 'workers');
    for (const body of [template, group, scaler, resource('google_compute_firewall', 'workers_to_data')]) expect(body.count).toBe('${local.worker_pool ? 1 : 0}');
    expect(config.locals.worker_pool).toBe('${var.worker_pool_max_size > 0}');
    // Each worker: the main VM's machine and GPU, no external IP, stops for maintenance, the same least-privilege account.
    expect(template.machine_type).toBe('${var.machine_type}');
    expect((template.guest_accelerator as Body[])[0]).toEqual({ type: '${var.gpu_type}', count: '${var.gpu_count}' });
    expect(block(template, 'scheduling')).toMatchObject({ on_host_maintenance: 'TERMINATE', preemptible: false });
    expect(block(template, 'network_interface').access_config).toBeUndefined();
    expect(block(template, 'service_account').email).toBe('${google_service_account.vm.email}');
    expect(template.tags).toEqual(['${local.worker_tag}']);
    expect(block(group, 'version').instance_template).toBe('${google_compute_instance_template.worker[0].id}');
    expect(group.target_size).toBeUndefined(); // the autoscaler sets it
    expect(scaler.target).toBe('${google_compute_instance_group_manager.workers[0].id}');
    const policy = block(scaler, 'autoscaling_policy');
    expect(policy).toMatchObject({ min_replicas: '${var.worker_pool_min_size}', max_replicas: '${var.worker_pool_max_size}', cooldown_period: '${var.worker_pool_init_seconds}' });
    // The metric is the one the API writes (src/metrics/cloud-backlog-exporter.ts), as a per-group metric.
    expect(block(policy, 'metric')).toEqual({ name: BACKLOG_METRIC, filter: 'resource.type = "global"', single_instance_assignment: '${var.worker_pool_jobs_per_worker}' });
    expect(block(block(policy, 'scale_in_control'), 'max_scaled_in_replicas').fixed).toBe(1);
  });

  it('lets only the pool reach PostgreSQL and Redis on the main VM, Redis with a password from Secret Manager', () => {
    const rule = resource('google_compute_firewall', 'workers_to_data');
    expect(rule.source_tags).toEqual(['${local.worker_tag}']);
    expect(rule.target_tags).toEqual(['${local.app_tag}']);
    expect(rule.source_ranges).toBeUndefined();
    expect((rule.allow as Body[]).map((a) => a.ports)).toEqual([['5432', '6379']]);
    expect(resource('google_secret_manager_secret_version', 'redis_password').secret_data).toBe('${random_password.redis.result}');
    expect(resource('google_secret_manager_secret_iam_member', 'vm_redis_password').secret_id).toBe('${google_secret_manager_secret.redis_password.secret_id}');
  });

  it('outputs the IP, the URL and the bucket', () => {
    expect(config.output.ip.value).toBe('${google_compute_global_address.app.address}');
    expect(config.output.url.value).toBe('https://${var.domain}');
    expect(config.output.bucket.value).toBe('${google_storage_bucket.videos.name}');
    for (const [name, out] of Object.entries(config.output)) expect({ name, described: typeof out.description === 'string' }).toEqual({ name, described: true });
  });

  it('has a tfvars example that sets every required variable and only declared ones', () => {
    const example = readFileSync(path.join(tfDir, 'terraform.tfvars.example'), 'utf8');
    const set = refs(example.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n'), /^\s*(\w+)\s*=/gm);
    const required = Object.entries(config.variable).filter(([, b]) => !('default' in b)).map(([n]) => n);
    expect(required.sort()).toEqual(['domain', 'project']);
    for (const name of required) expect(set).toContain(name);
    for (const name of set) expect(config.variable).toHaveProperty(name);
  });

  // `terraform fmt` needs no provider, so it runs wherever terraform is installed (this machine has 1.11; the
  // google provider is not in its offline plugin mirror, so `terraform validate` cannot run here).
  const terraform = ['/usr/local/bin/terraform', '/usr/bin/terraform'].find((p) => existsSync(p));
  (terraform ? it : it.skip)('is formatted as `terraform fmt` writes it', () => {
    const out = execFileSync(terraform as string, ['fmt', '-check', '-recursive', '-list=true', tfDir], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
    expect(out.trim()).toBe('');
  });
});
