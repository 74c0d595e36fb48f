/**
 * Fetching a picture a user pointed at, without letting a link reach what it should not: only
 * hosts the deployer allows (the platforms' own file hosts, plus IMAGE_HOSTS), never a private,
 * loopback or link-local address unless that exact host:port is listed, checked again after every
 * redirect and on the address actually connected to (the DNS answer is checked, then pinned), with
 * a time limit and a byte limit. Every refusal is a UserError that says why.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { UserError } from '../core/errors.js';

export interface FetchPolicy {
  /** `host` or `host:port` entries (lower case); a host without port allows its scheme's default port. */
  allowedHosts: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  /** Extra headers for a host (a platform token for its own file host); none for any other. */
  headersFor?: (url: URL) => Record<string, string> | undefined;
}

const MAX_REDIRECTS = 3;

/** Addresses a link may not reach unless its host:port is listed exactly. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `10 s`, `0.2 s`. */
const seconds = (ms: number) => `${ms < 1000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;

function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** Whether the policy lists the URL's host: exactly host:port, or the host alone on its default port. */
function listed(url: URL, allowed: readonly string[]): { host: boolean; exact: boolean } {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const exactEntry = `${host}:${portOf(url)}`;
  const exact = allowed.includes(exactEntry);
  return { exact, host: exact || (url.port === '' && allowed.includes(host)) };
}

const refuse = (message: string) => new UserError(message, 'image-link');

/** The addresses the host resolves to, each allowed, or a refusal; the first is the one connected to. */
async function checkedAddress(url: URL, exact: boolean): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let answers: { address: string; family: number }[];
  try {
    answers = isIP(host) ? [{ address: host, family: isIP(host) }] : await dnsLookup(host, { all: true, verbatim: true });
  } catch {
    throw refuse(`The image link's host ${url.hostname} could not be found.`);
  }
  if (answers.length === 0) throw refuse(`The image link's host ${url.hostname} could not be found.`);
  if (!exact && answers.some((a) => isPrivateAddress(a.address))) {
    throw refuse(`The image link points into a private network (${url.hostname}), which this bot does not fetch from.`);
  }
  return answers[0]!;
}

/**
 * GETs a URL under the policy and returns its bytes. Redirects are followed (at most 3), each
 * hop checked as the first was.
 */
export async function fetchImageBytes(link: string, policy: FetchPolicy): Promise<Buffer> {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw refuse('That is not a link this bot can fetch.');
  }
  const deadline = Date.now() + policy.timeoutMs;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('Only http and https image links can be fetched.');
    if (url.username || url.password) throw refuse('Image links with a user name or password are not fetched.');
    const allowed = listed(url, policy.allowedHosts);
    if (!allowed.host) {
      throw refuse(`Images are fetched only from this bot's allowed hosts; ${url.host} is not one of them. Attach the picture instead.`);
    }
    const target = await checkedAddress(url, allowed.exact);
    const res = await get(url, target, policy, deadline);
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      res.resume();
      url = new URL(res.headers.location, url);
      continue;
    }
    if (res.statusCode !== 200) {
      res.resume();
      throw refuse(`The image link answered HTTP ${res.statusCode ?? '?'}; check that it still works.`);
    }
    return readLimited(res, policy, deadline);
  }
  throw refuse(`The image link redirects more than ${MAX_REDIRECTS} times.`);
}

function get(url: URL, target: { address: string; family: number }, policy: FetchPolicy, deadline: number): Promise<IncomingMessage> {
  // The connection goes to the address checked above, whatever the DNS says a moment later.
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', lookup, headers: { 'user-agent': 'imagine-bot', accept: 'image/*', ...policy.headersFor?.(url) } }, resolve);
    const timer = setTimeout(() => req.destroy(refuse(`The image link took longer than ${seconds(policy.timeoutMs)} to answer.`)), Math.max(0, deadline - Date.now()));
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof UserError ? err : refuse(`The image could not be fetched (${(err as NodeJS.ErrnoException).code ?? err.message}).`));
    });
    req.on('response', () => clearTimeout(timer));
    req.end();
  });
}

function readLimited(res: IncomingMessage, policy: FetchPolicy, deadline: number): Promise<Buffer> {
  const tooLarge = () => refuse(`The image is larger than ${Math.round(policy.maxBytes / 1e6)} MB, the most this bot takes.`);
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > policy.maxBytes) {
    res.destroy();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => res.destroy(refuse(`The image took longer than ${seconds(policy.timeoutMs)} to download.`)), Math.max(0, deadline - Date.now()));
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > policy.maxBytes) {
        res.destroy(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    res.on('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof UserError ? err : refuse('The image download was cut off; try again.'));
    });
    res.on('close', () => {
      clearTimeout(timer);
      if (size > policy.maxBytes) reject(tooLarge());
    });
  });
}
