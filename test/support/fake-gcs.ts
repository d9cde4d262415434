/**
 * A tiny stand-in for the GCS JSON API, enough for @google-cloud/storage's real request path:
 * multipart upload, metadata (exists), media download, delete, and a PUT to a V4 signed URL.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';

export interface FakeGcs {
  url: string;
  objects: Map<string, Buffer>;
  requests: string[];
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The media part of a multipart/related upload body (second part, after its blank line). */
function mediaPart(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error('no boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    parts.push(body.subarray(start + delimiter.length + 2, next - 2)); // strip CRLFs around the part
    start = next;
  }
  const media = parts[1];
  const headerEnd = media.indexOf('\r\n\r\n');
  return media.subarray(headerEnd + 4);
}

function crc32c(data: Buffer): string {
  const crc = new CRC32C();
  crc.update(data);
  return crc.toString();
}

function metadata(bucket: string, name: string, data: Buffer): Record<string, unknown> {
  return { kind: 'storage#object', bucket, name, size: String(data.length), md5Hash: createHash('md5').update(data).digest('base64'), crc32c: crc32c(data), generation: '1' };
}

/**
 * `corsOrigins`: the bucket's CORS configuration for browser PUTs to signed URLs, as terraform/storage.tf sets it
 * (those origins, method PUT, response header Content-Type); without it no CORS headers are sent, as GCS does.
 */
export async function startFakeGcs(bucket: string, options: { corsOrigins?: string[] } = {}): Promise<FakeGcs> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const origin = req.headers.origin;
    const corsAllowed = Boolean(origin && options.corsOrigins?.includes(origin));
    if (corsAllowed) res.setHeader('Access-Control-Allow-Origin', origin as string);
    if (req.method === 'OPTIONS') {
      const method = req.headers['access-control-request-method'];
      if (!corsAllowed || method !== 'PUT') return res.writeHead(403).end();
      res.setHeader('Access-Control-Allow-Methods', 'PUT');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '3600');
      return res.writeHead(200).end();
    }
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      const body = await readBody(req);
      const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      const object = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
      const signed = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (req.method === 'POST' && upload && url.searchParams.get('uploadType') === 'multipart') {
        const data = mediaPart(body, req.headers['content-type'] ?? '');
        const meta = JSON.parse(body.toString('latin1').split('\r\n\r\n')[1].split('\r\n')[0]) as { name?: string };
        const name = meta.name ?? url.searchParams.get('name') ?? '';
        objects.set(name, data);
        return json(200, metadata(bucket, name, data));
      }
      if (object && object[1] === bucket) {
        const name = decodeURIComponent(object[2]);
        const data = objects.get(name);
        if (req.method === 'DELETE') {
          if (!data) return json(404, { error: { code: 404, message: 'No such object' } });
          objects.delete(name);
          return res.writeHead(204).end();
        }
        if (!data) return json(404, { error: { code: 404, message: 'No such object' } });
        if (url.searchParams.get('alt') === 'media') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(data);
        return json(200, metadata(bucket, name, data));
      }
      if (req.method === 'PUT' && signed && signed[1] === bucket && url.searchParams.has('X-Goog-Signature')) {
        objects.set(decodeURIComponent(signed[2]), body);
        return res.writeHead(200).end();
      }
      json(400, { error: { code: 400, message: `fake-gcs: unsupported ${req.method} ${url.pathname}${url.search}` } });
    } catch (err) {
      json(500, { error: { code: 500, message: String(err) } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
