/**
 * The Hugging Face Hub over its plain HTTP API, as its own tools use it: a revision is resolved to
 * its commit once, the commit's files are listed (tree API, paginated by Link headers), and each
 * file comes from its resolve URL, which sends large (LFS) files on to a CDN. The token goes to the
 * Hub's own origin only, never to the host a redirect points at.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat, truncate, writeFile } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** A repository id as the Hub writes it: `owner/name` (or a legacy name without owner). */
export const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$/;

/** A file of one commit, as the tree API lists it. */
export interface HubFile {
  path: string;
  size: number;
  /** SHA-256 of the content, for files stored in LFS (the large ones). */
  sha256?: string;
  /** Git blob id (SHA-1 of `blob <size>\0<content>`), for files stored in git itself. */
  gitOid?: string;
}

/** A refusal or failure of the Hub, in words for the person who ran the command. */
export class HubError extends Error {
  override name = 'HubError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface HubClientOptions {
  endpoint?: string;
  token?: string;
  /** A download that receives nothing for this long is dropped and resumed. */
  idleTimeoutMs?: number;
  /** Tries per file, counting the first (each resumes where the last one stopped). */
  attempts?: number;
}

export interface DownloadEvents {
  /** Bytes written, as they arrive (what a resumed file already had is not counted again). */
  onBytes?: (bytes: number) => void;
  /** A try failed and the next resumes from `from` bytes. */
  onRetry?: (reason: string, from: number) => void;
}

const MAX_REDIRECTS = 10;

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/** Git's id of a blob: what the tree API gives as `oid` for a file kept in git. */
export async function gitBlobId(file: string): Promise<string> {
  const { size } = await stat(file);
  const hash = createHash('sha1').update(`blob ${size}\0`);
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export class HubClient {
  readonly endpoint: string;
  private readonly token?: string;
  private readonly origin: string;
  private readonly idleTimeoutMs: number;
  private readonly attempts: number;

  constructor(o: HubClientOptions = {}) {
    this.endpoint = (o.endpoint || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
    this.origin = new URL(this.endpoint).origin;
    this.token = o.token || undefined;
    this.idleTimeoutMs = o.idleTimeoutMs ?? 60_000;
    this.attempts = o.attempts ?? 5;
  }

  /** The commit a branch, tag or commit id names. */
  async resolveRevision(repo: string, revision: string): Promise<string> {
    const url = `${this.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
    const res = await this.request(url, { what: { repo, revision } });
    const body = (await res.json()) as { sha?: unknown };
    if (typeof body.sha !== 'string' || !/^[0-9a-f]{40}$/.test(body.sha)) throw new HubError(`${this.endpoint} answered for ${repo}@${revision} without a commit id`);
    return body.sha;
  }

  /** Every file of the commit (under `folder` when given), with sizes and hashes. */
  async listFiles(repo: string, commit: string, folder = ''): Promise<HubFile[]> {
    const files: HubFile[] = [];
    let url: string | undefined =
      `${this.endpoint}/api/models/${repo}/tree/${commit}${folder ? `/${encodePath(folder)}` : ''}?recursive=true`;
    for (let page = 0; url && page < 10_000; page++) {
      const res = await this.request(url, { what: { repo, revision: commit, path: folder || undefined } });
      const entries = (await res.json()) as { type?: string; path?: string; size?: number; oid?: string; lfs?: { oid?: string; sha256?: string; size?: number } }[];
      if (!Array.isArray(entries)) throw new HubError(`${this.endpoint} listed ${repo} in a form this tool does not know`);
      for (const e of entries) {
        if (e.type !== 'file' || typeof e.path !== 'string') continue;
        const lfsHash = e.lfs?.oid ?? e.lfs?.sha256;
        files.push({
          path: e.path,
          size: Number(e.lfs?.size ?? e.size ?? 0),
          sha256: typeof lfsHash === 'string' ? lfsHash.replace(/^sha256:/, '') : undefined,
          gitOid: e.lfs ? undefined : e.oid,
        });
      }
      url = nextPage(res.headers.get('link'), url);
    }
    return files;
  }

  /**
   * Downloads one file of a commit to `dest`, resuming from whatever `dest` already holds with a
   * Range request, retrying dropped connections, and checking the size and hash at the end.
   * A file whose bytes do not match is deleted, so the next try starts clean.
   */
  async download(repo: string, commit: string, file: HubFile, dest: string, events: DownloadEvents = {}): Promise<void> {
    const url = `${this.endpoint}/${repo}/resolve/${commit}/${encodePath(file.path)}`;
    let have = await sizeOf(dest);
    if (have > file.size) {
      await truncate(dest, 0);
      have = 0;
    }
    if (file.size === 0) await writeFile(dest, '');
    let lastError = '';
    for (let attempt = 1; have < file.size; attempt++) {
      if (attempt > this.attempts) throw new HubError(`${file.path}: the download failed ${this.attempts} times (${lastError}); run the same command again to resume it`);
      if (attempt > 1) events.onRetry?.(lastError, have);
      try {
        have = await this.fetchInto(url, { repo, revision: commit, path: file.path }, dest, have, events, file.sha256 ?? file.gitOid);
      } catch (err) {
        if (err instanceof HubError) throw err;
        lastError = describeNetworkError(err);
        have = await sizeOf(dest);
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
      }
    }
    if (have !== file.size) throw new HubError(`${file.path}: got ${have} bytes, the Hub lists ${file.size}`);
    const ok = file.sha256 ? (await sha256Of(dest)) === file.sha256 : file.gitOid ? (await gitBlobId(dest)) === file.gitOid : true;
    if (!ok) {
      await truncate(dest, 0);
      throw new HubError(`${file.path}: the downloaded bytes do not match the Hub's ${file.sha256 ? 'SHA-256' : 'git hash'}; it was deleted, run the same command again to fetch it anew`);
    }
  }

  /** One try: appends to `dest` from byte `from`; returns the bytes `dest` holds afterwards. */
  private async fetchInto(url: string, what: Target, dest: string, from: number, events: DownloadEvents, expected: string | undefined): Promise<number> {
    const abort = new AbortController();
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new Error(`no data for ${Math.round(this.idleTimeoutMs / 1000)} s`)), this.idleTimeoutMs);
    };
    arm();
    try {
      const res = await this.request(url, { what, range: from > 0 ? from : undefined, signal: abort.signal, expected });
      let start = 0;
      if (res.status === 206) {
        start = Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1] ?? NaN);
        if (start !== from) throw new Error(`the server resumed at byte ${start}, not ${from}`);
      } else if (from > 0) {
        // The server ignored the Range: start over.
        await truncate(dest, 0);
        events.onBytes?.(-from);
      }
      if (!res.body) return start;
      let written = start;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          arm();
          written += chunk.length;
          events.onBytes?.(chunk.length);
          done(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), count, createWriteStream(dest, { flags: start > 0 ? 'a' : 'w' }), { signal: abort.signal });
      return written;
    } finally {
      clearTimeout(idle);
    }
  }

  /**
   * A GET that follows redirects itself, so the token is sent to the Hub's origin and nowhere else,
   * and turns the Hub's refusals into HubErrors that say what to do.
   */
  private async request(url: string, o: { what: Target; range?: number; signal?: AbortSignal; expected?: string }): Promise<Response> {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const fromHub = new URL(current).origin === this.origin;
      const headers: Record<string, string> = { 'user-agent': 'imagine-bot-model-pull' };
      if (this.token && fromHub) headers.authorization = `Bearer ${this.token}`;
      if (o.range !== undefined) headers.range = `bytes=${o.range}-`;
      const res = await fetch(current, { headers, redirect: 'manual', signal: o.signal });
      // X-Linked-Etag: the SHA-256 of an LFS file the Hub redirects to; ETag: the git hash of a small one.
      // A listing the Hub disagrees with is not worth gigabytes: stop before following it.
      const etag = fromHub ? normalizeEtag(res.headers.get('x-linked-etag') ?? res.headers.get('etag')) : undefined;
      if (etag && o.expected && etag !== o.expected) {
        await res.body?.cancel();
        throw new HubError(`${o.what.path}: the Hub lists content ${o.expected.slice(0, 12)}… but serves ${etag.slice(0, 12)}…; the repository changed under this pull, run it again`);
      }
      if (res.status >= 300 && res.status < 400 && res.headers.has('location')) {
        await res.body?.cancel();
        current = new URL(res.headers.get('location')!, current).toString();
        continue;
      }
      if (res.ok) return res;
      const text = await res.text().catch(() => '');
      // A download host's refusal (an expired signed URL) is worth another try through the Hub; the Hub's is not.
      if (!fromHub) throw new Error(`${new URL(current).host} answered HTTP ${res.status}`);
      throw this.refusal(res, text, o.what);
    }
    throw new HubError(`${url}: more than ${MAX_REDIRECTS} redirects`);
  }

  private refusal(res: Response, body: string, what: Target): HubError {
    const code = res.headers.get('x-error-code') ?? '';
    const page = `${this.endpoint}/${what.repo}`;
    const tokenHelp = this.token
      ? `HF_TOKEN is set, but its account has no access: open ${page} while logged in as that account and accept the terms, or use a token that has access`
      : `set HF_TOKEN to an access token (${DEFAULT_HUB_ENDPOINT}/settings/tokens) of an account that may read it${code === 'GatedRepo' ? `, after accepting the terms at ${page}` : ''}`;
    if (code === 'GatedRepo') return new HubError(`${what.repo} is a gated model: ${tokenHelp}.`, res.status);
    if (code === 'RevisionNotFound') return new HubError(`${what.repo} has no branch, tag or commit '${what.revision}'.`, res.status);
    if (code === 'EntryNotFound') return new HubError(`${what.repo}@${what.revision} has no ${what.path ? `'${what.path}'` : 'such file'}.`, res.status);
    if (res.status === 401 || res.status === 403) {
      return new HubError(`${this.endpoint} refused ${what.repo} (HTTP ${res.status}): it does not exist, or it is private or gated; ${tokenHelp}.`, res.status);
    }
    if (res.status === 404 || code === 'RepoNotFound') {
      return new HubError(`${this.endpoint} has no model ${what.repo}${what.path ? ` with '${what.path}'` : ''} (HTTP ${res.status}); check the name on ${page}.`, res.status);
    }
    if (res.status === 429) return new HubError(`${this.endpoint} is rate-limiting these downloads (HTTP 429); wait a minute and run the same command again.`, res.status);
    const detail = res.headers.get('x-error-message') ?? (/"error"\s*:\s*"([^"]{1,200})"/.exec(body)?.[1] || '');
    return new HubError(`${this.endpoint} answered HTTP ${res.status} for ${what.repo}${what.path ? ` '${what.path}'` : ''}${detail ? `: ${detail}` : ''}.`, res.status);
  }
}

interface Target {
  repo: string;
  revision: string;
  path?: string;
}

/** The rel="next" URL of a Link header, resolved against the page's URL. */
function nextPage(link: string | null, base: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return new URL(m[1]!, base).toString();
  }
  return undefined;
}

/** `W/"abc"` → `abc`; only hashes (hex) count. */
function normalizeEtag(etag: string | null): string | undefined {
  const v = etag?.replace(/^W\//, '').replace(/"/g, '').trim();
  return v && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(v) ? v : undefined;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function describeNetworkError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message}: ${cause}` : e.message;
}
