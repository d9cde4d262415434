/** A stand-in for Cloud Monitoring's REST API, enough for MetricServiceClient.createTimeSeries (fallback: 'rest'). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMonitoring {
  url: string;
  /** Every createTimeSeries call: the project path, the bearer token, the body. */
  writes: { path: string; authorization: string; body: { timeSeries: Record<string, unknown>[] } }[];
  /** The next `n` writes answer 500. */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startFakeMonitoring(): Promise<FakeMonitoring> {
  const writes: FakeMonitoring['writes'] = [];
  let failures = 0;
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method !== 'POST' || !/^\/v3\/projects\/[^/]+\/timeSeries$/.test(path)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: `fake: no ${req.method} ${path}`, status: 'NOT_FOUND' } }));
        return;
      }
      if (failures > 0) {
        failures--;
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 500, message: 'fake: internal error', status: 'INTERNAL' } }));
        return;
      }
      writes.push({ path, authorization: String(req.headers.authorization), body: JSON.parse(text) as FakeMonitoring['writes'][number]['body'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    writes,
    failNext: (n) => (failures = n),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
