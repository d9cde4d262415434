/**
 * A small stand-in for the Stripe API, enough for the real `stripe` client (pointed here with its host,
 * port and protocol options): customers, subscriptions, meter events (deduplicated by identifier, like
 * Stripe), credit grants, meters and their event summaries, invoices. Records every request, replays
 * responses by Idempotency-Key like Stripe, and can fail with 500s or hang on command.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  idempotencyKey?: string;
  /** How the fake answered: a status, or 'hang'. */
  answer: number | 'hang';
}

export interface FakeMeterEvent {
  identifier: string;
  customer: string;
  value: number;
  timestamp: number;
}

type Fault = { kind: 'status'; status: number } | { kind: 'hang'; accept: boolean };

export interface FakeStripe {
  /** STRIPE_* variables that point the app at this fake. */
  env: Record<string, string>;
  requests: RecordedRequest[];
  /** Unique by identifier, as Stripe keeps them. */
  meterEvents: Map<string, FakeMeterEvent>;
  customers: { id: string; name: string; tenantId: string }[];
  subscriptions: { id: string; customer: string; price: string; itemId: string; status: string }[];
  creditGrants: { id: string; customer: string; value: number; currency: string; ledgerRowId: string }[];
  /** Invoices GET /v1/invoices returns, by customer id. */
  invoices: Map<string, Record<string, unknown>[]>;
  /** The next `count` requests to `path` (any when omitted) get `status` (default 500). */
  failNext(count: number, opts?: { status?: number; path?: string }): void;
  /** The next `count` requests to `path` never get an answer; with accept, their effect is applied first (a lost response). */
  hangNext(count: number, opts?: { accept?: boolean; path?: string }): void;
  /** Requests to `path` (method optional). */
  calls(path: string, method?: string): RecordedRequest[];
  close(): Promise<void>;
}

export const FAKE_STRIPE_KEYS = { secretKey: 'sk_test_fake', webhookSecret: 'whsec_test_fake', priceId: 'price_test_metered', meterId: 'mtr_test' } as const;
export const FAKE_METER_EVENT_NAME = 'tally_video_seconds';

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const list = (url: string, data: unknown[]): Record<string, unknown> => ({ object: 'list', url, has_more: false, data });

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  const meterEvents = new Map<string, FakeMeterEvent>();
  const customers: FakeStripe['customers'] = [];
  const subscriptions: FakeStripe['subscriptions'] = [];
  const creditGrants: FakeStripe['creditGrants'] = [];
  const invoices = new Map<string, Record<string, unknown>[]>();
  const faults: { path?: string; fault: Fault }[] = [];
  const replies = new Map<string, { status: number; body: unknown }>(); // by Idempotency-Key
  const hanging = new Set<http.ServerResponse>();
  let seq = 0;
  const now = () => Math.floor(Date.now() / 1000);

  const subscriptionBody = (s: FakeStripe['subscriptions'][number]) => ({
    id: s.id,
    object: 'subscription',
    customer: s.customer,
    status: s.status,
    items: { object: 'list', data: [{ id: s.itemId, object: 'subscription_item', price: { id: s.price, object: 'price' } }] },
  });

  /** The effect of a request and its answer. */
  function apply(method: string, path: string, p: Record<string, string>): { status: number; body: unknown } {
    if (method === 'POST' && path === '/v1/customers') {
      const c = { id: `cus_${++seq}`, name: p.name ?? '', tenantId: p['metadata[tenant_id]'] ?? '' };
      customers.push(c);
      return { status: 200, body: { id: c.id, object: 'customer', name: c.name, metadata: { tenant_id: c.tenantId } } };
    }
    if (method === 'POST' && path === '/v1/subscriptions') {
      const s = { id: `sub_${++seq}`, customer: p.customer, price: p['items[0][price]'], itemId: `si_${++seq}`, status: 'active' };
      subscriptions.push(s);
      return { status: 200, body: subscriptionBody(s) };
    }
    const one = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (one) {
      const s = subscriptions.find((x) => x.id === one[1]);
      if (!s) return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such subscription: '${one[1]}'` } } };
      if (method === 'POST' && p['items[0][id]'] === s.itemId && p['items[0][price]']) s.price = p['items[0][price]'];
      if (method === 'DELETE') s.status = 'canceled';
      return { status: 200, body: subscriptionBody(s) };
    }
    if (method === 'POST' && path === '/v1/billing/meter_events') {
      const e = { identifier: p.identifier, customer: p['payload[stripe_customer_id]'], value: Number(p['payload[value]']), timestamp: Number(p.timestamp) };
      if (p.event_name !== FAKE_METER_EVENT_NAME) return { status: 400, body: { error: { type: 'invalid_request_error', message: `no meter for event ${p.event_name}` } } };
      if (!meterEvents.has(e.identifier)) meterEvents.set(e.identifier, e); // Stripe keeps the first of an identifier
      return { status: 200, body: { object: 'billing.meter_event', event_name: p.event_name, identifier: e.identifier, payload: { stripe_customer_id: e.customer, value: String(e.value) }, timestamp: e.timestamp, created: now(), livemode: false } };
    }
    if (method === 'POST' && path === '/v1/billing/credit_grants') {
      const g = { id: `credgr_${++seq}`, customer: p.customer, value: Number(p['amount[monetary][value]']), currency: p['amount[monetary][currency]'], ledgerRowId: p['metadata[ledger_row_id]'] };
      creditGrants.push(g);
      return { status: 200, body: { id: g.id, object: 'billing.credit_grant', customer: g.customer } };
    }
    if (method === 'GET' && path === '/v1/billing/meters') {
      return { status: 200, body: list(path, [{ id: FAKE_STRIPE_KEYS.meterId, object: 'billing.meter', event_name: FAKE_METER_EVENT_NAME, status: 'active' }]) };
    }
    const summaries = /^\/v1\/billing\/meters\/([^/]+)\/event_summaries$/.exec(path);
    if (method === 'GET' && summaries) {
      const start = Number(p.start_time);
      const end = Number(p.end_time);
      const value = [...meterEvents.values()].filter((e) => e.customer === p.customer && e.timestamp >= start && e.timestamp < end).reduce((s, e) => s + e.value, 0);
      const data = [{ id: `mtrsum_${++seq}`, object: 'billing.meter_event_summary', aggregated_value: value, start_time: start, end_time: end, meter: summaries[1], livemode: false }];
      return { status: 200, body: list(path, data) };
    }
    if (method === 'GET' && path === '/v1/invoices') return { status: 200, body: list(path, invoices.get(p.customer) ?? []) };
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `fake-stripe: unsupported ${method} ${path}` } } };
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    // stripe-node sends GET and DELETE parameters in the query string, the others in the body.
    const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' || req.method === 'DELETE' ? url.search : body));
    const idempotencyKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    const record: RecordedRequest = { method: req.method ?? '', path: url.pathname, params, idempotencyKey, answer: 200 };
    requests.push(record);
    const i = faults.findIndex((f) => !f.path || f.path === url.pathname);
    const fault = i >= 0 ? faults.splice(i, 1)[0].fault : undefined;
    if (fault?.kind === 'status') {
      record.answer = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'api_error', message: 'fake-stripe: failing on command' } }));
      return;
    }
    if (fault?.kind === 'hang' && !fault.accept) {
      record.answer = 'hang';
      hanging.add(res);
      return; // never reached the "API": no effect, the client times out
    }
    const send = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${++seq}` }).end(JSON.stringify(payload));
    const replay = idempotencyKey ? replies.get(idempotencyKey) : undefined;
    const reply = replay ?? apply(record.method, record.path, params);
    if (idempotencyKey && !replay && reply.status < 500) replies.set(idempotencyKey, reply);
    if (fault?.kind === 'hang') {
      record.answer = 'hang';
      hanging.add(res);
      return; // processed, but the answer is lost: the client times out
    }
    record.answer = reply.status;
    send(reply.status, reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    env: {
      STRIPE_SECRET_KEY: FAKE_STRIPE_KEYS.secretKey,
      STRIPE_WEBHOOK_SECRET: FAKE_STRIPE_KEYS.webhookSecret,
      STRIPE_PRICE_ID: FAKE_STRIPE_KEYS.priceId,
      STRIPE_METER_EVENT_NAME: FAKE_METER_EVENT_NAME,
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(port),
      STRIPE_API_PROTOCOL: 'http',
    },
    requests,
    meterEvents,
    customers,
    subscriptions,
    creditGrants,
    invoices,
    failNext: (count, opts = {}) => {
      for (let k = 0; k < count; k++) faults.push({ path: opts.path, fault: { kind: 'status', status: opts.status ?? 500 } });
    },
    hangNext: (count, opts = {}) => {
      for (let k = 0; k < count; k++) faults.push({ path: opts.path, fault: { kind: 'hang', accept: opts.accept ?? false } });
    },
    calls: (path, method) => requests.filter((r) => r.path === path && (!method || r.method === method)),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
