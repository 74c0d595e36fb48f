/**
 * Small node:http helpers for the playground: bounded JSON bodies, JSON/text answers with safe
 * headers, and the checks that keep other web sites from driving the page's API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** A request the server refuses with a 4xx status; `message` is shown to the caller. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Headers every answer carries: no framing, no sniffing, scripts and styles only from this server. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(data.length),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(data);
}

export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: message }, headers);
}

/**
 * Reads a JSON object body of at most `limit` bytes. Throws HttpError 415 for another content
 * type (which also forces a CORS preflight on cross-site requests), 413 when too large, 400 when
 * it is not a JSON object.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'Send the body as application/json.');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `The body is larger than ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `The body is larger than ${limit} bytes.`);
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'The body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Whether a bind host (WEB_HOST) keeps the server on this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return LOOPBACK_NAMES.has(h) || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Whether a socket's remote address is this machine (IPv4, IPv6 or IPv4-mapped IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  return a === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(a);
}

/** The host name of a Host header or an origin, without port; undefined when unreadable. */
export function hostnameOf(hostOrOrigin: string | undefined): string | undefined {
  if (!hostOrOrigin) return undefined;
  try {
    const u = new URL(hostOrOrigin.includes('://') ? hostOrOrigin : `http://${hostOrOrigin}`);
    return u.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Whether an Origin header names this very server (scheme aside); 'null' and garbage do not. */
export function originMatchesHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host.toLowerCase() === (host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Refuses requests another site could make through the user's browser: a foreign Origin on a
 * write, and (while bound to loopback) a Host header that is not a loopback name, which is what
 * a DNS-rebinding page would send.
 */
export function checkRequestOrigin(req: IncomingMessage, boundToLoopback: boolean): void {
  const host = req.headers.host;
  if (boundToLoopback) {
    const name = hostnameOf(host);
    if (!name || !isLoopbackHost(name)) throw new HttpError(421, 'This playground only answers to localhost.');
  }
  const origin = req.headers.origin;
  if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined && !originMatchesHost(origin, host)) {
    throw new HttpError(403, 'Requests from other sites are not accepted.');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers['sec-fetch-site'] === 'cross-site') {
    throw new HttpError(403, 'Requests from other sites are not accepted.');
  }
}

/** The trusted proxies of TRUSTED_PROXIES (addresses and CIDR ranges) as a lookup. */
export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const type = isIP(address!) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(prefix), type);
  }
  return list;
}

function isTrusted(trusted: BlockList, address: string): boolean {
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const type = isIP(plain);
  return type !== 0 && trusted.check(plain, type === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The address a request comes from: the socket's, or, when that is a trusted proxy, the nearest
 * address in X-Forwarded-For that is not one (what a client writes further left is not believed).
 */
export function clientAddress(req: IncomingMessage, trusted?: BlockList): string | undefined {
  const direct = req.socket.remoteAddress;
  if (!trusted || !direct || !isTrusted(trusted, direct)) return direct;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return direct;
    if (!isTrusted(trusted, hop)) return hop;
  }
  return hops[0] ?? direct;
}
