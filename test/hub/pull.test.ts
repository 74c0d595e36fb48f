import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubClient, HubError } from '../../src/hub/client.js';
import { pullModel, SOURCE_FILE, type PullEvent } from '../../src/hub/pull.js';
import { checkModelFolder } from '../../src/pipeline/model-check.js';
import { readModelFolder } from '../../src/pipeline/model-folder.js';
import { FakeHub, filesOf } from '../fixtures/fake-hub.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';

const root = mkdtempSync(join(tmpdir(), 'imagine-pull-'));
let hub: FakeHub;
let files: Map<string, Buffer>;
let fp16Files: Map<string, Buffer>;
let mainCommit: string;
let v2Commit: string;
/** A large file of the model (stored in LFS, so it comes from the CDN). */
const LARGE = 'text_encoder/model.onnx_data';
const cpuOnly = [{ device: 'cpu' as const, installed: 'yes' as const }];
const readable = (dir: string) => {
  const r = checkModelFolder(dir, cpuOnly);
  return r.model ? [] : r.problems;
};

let runs = 0;
function modelsDir(): string {
  return join(root, `models-${++runs}`);
}

function pull(o: { source: string; modelsDir: string; name?: string; variant?: 'fp16' | 'fp32'; subfolder?: string }, client = new HubClient({ endpoint: hub.endpoint }), events: PullEvent[] = []) {
  return pullModel(client, o, readable, (e) => events.push(e));
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  const dir = writeTinyModel(join(root, 'src'), { generation: 'optimum-2023', family: 'sd1', externalData: true });
  files = filesOf(dir);
  // What real repositories publish beside the ONNX export, which a pull must leave alone.
  files.set('unet/diffusion_pytorch_model.safetensors', Buffer.alloc(6000, 1));
  files.set('text_encoder/model.safetensors', Buffer.alloc(5000, 2));
  files.set('vae/config.json', Buffer.from('{}'));
  files.set('.gitattributes', Buffer.from('*.onnx_data filter=lfs\n'));
  files.set('README.md', Buffer.from('# tiny\n'));
  hub = await new FakeHub().start();
  mainCommit = hub.publish('acme/tiny-sd', files);
  const v2 = new Map(files);
  v2.set('imagine.json', Buffer.from(JSON.stringify({ name: 'tiny-v2', description: 'the second revision' })));
  v2Commit = hub.publish('acme/tiny-sd', v2, { ref: 'v2', tags: ['release-2'] });
  hub.publish('acme/gated-sd', files, { gated: true });

  // fp32 and fp16 exports side by side in one repository, as model.onnx and model_fp16.onnx.
  const fp16 = filesOf(writeTinyModel(join(root, 'fp16'), { generation: 'olive-fp16', family: 'sd1' }));
  fp16Files = new Map(filesOf(writeTinyModel(join(root, 'fp32'), { generation: 'optimum-2025', family: 'sd1' })));
  for (const [path, bytes] of fp16) if (path.endsWith('/model.onnx')) fp16Files.set(path.replace('model.onnx', 'model_fp16.onnx'), bytes);
  hub.publish('acme/two-precisions', fp16Files);

  // The whole model one folder down, as some repositories keep it.
  hub.publish('acme/nested', new Map([...files].map(([p, b]) => [`onnx/${p}`, b])));
  // A repository with PyTorch weights only.
  hub.publish('acme/pytorch-only', new Map([...files].filter(([p]) => !/\.onnx(_data)?$|weights\.pb$/.test(p))));
});

afterAll(async () => {
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('model pull from the Hub', () => {
  it('downloads only what the pipeline loads, verified, into MODELS_DIR/<name>, and the bot can read it', async () => {
    const dir = modelsDir();
    const events: PullEvent[] = [];
    const pulled = await pull({ source: 'acme/tiny-sd', modelsDir: dir }, undefined, events);
    expect(pulled).toMatchObject({ name: 'tiny-sd', dir: join(dir, 'tiny-sd'), commit: mainCommit });
    const model = readModelFolder(pulled.dir);
    expect(model.name).toBe('tiny-sd');
    for (const [path, bytes] of files) {
      const wanted = !/safetensors|^vae\/|^\.gitattributes/.test(path);
      expect(existsSync(join(pulled.dir, path)), path).toBe(wanted);
      if (wanted) expect(readFileSync(join(pulled.dir, path)).equals(bytes), path).toBe(true);
    }
    // The large files came from the CDN and were checked against their SHA-256; the rest against their git hash.
    const done = events.filter((e) => e.kind === 'done-file');
    expect(done.find((e) => e.file.path === LARGE)).toMatchObject({ verified: 'sha256' });
    expect(done.find((e) => e.file.path === 'model_index.json')).toMatchObject({ verified: 'git' });
    expect(hub.cdnRequests(LARGE)).toHaveLength(1);
    expect(hub.cdnRequests('unet/diffusion_pytorch_model.safetensors')).toHaveLength(0);
    // Nothing else is left in MODELS_DIR: no staging folder, no partial file.
    expect(readdirSync(dir)).toEqual(['tiny-sd']);
    expect(JSON.parse(readFileSync(join(pulled.dir, SOURCE_FILE), 'utf8'))).toMatchObject({ repo: 'acme/tiny-sd', commit: mainCommit, revision: 'main' });
    const bytesEvents = events.filter((e) => e.kind === 'bytes').reduce((s, e) => s + (e.kind === 'bytes' ? e.delta : 0), 0);
    expect(bytesEvents).toBe(pulled.bytes);
  });

  it('pulls a branch or tag at its commit, and every file from that commit', async () => {
    const dir = modelsDir();
    const before = hub.hubRequests().length;
    const pulled = await pull({ source: 'acme/tiny-sd@release-2', modelsDir: dir, name: 'second' });
    expect(pulled.commit).toBe(v2Commit);
    expect(readModelFolder(pulled.dir).description).toBe('the second revision');
    const resolves = hub.hubRequests().slice(before).filter((r) => r.url.includes('/resolve/'));
    expect(resolves.length).toBeGreaterThan(5);
    expect(resolves.every((r) => r.url.includes(`/resolve/${v2Commit}/`))).toBe(true);
  });

  it('takes the precision asked for where a repository has several, saved as model.onnx', async () => {
    const fp16 = await pull({ source: 'acme/two-precisions', modelsDir: modelsDir(), variant: 'fp16' });
    expect(readModelFolder(fp16.dir).components.unet.inputs.find((i) => i.name === 'sample')?.type).toBe('float16');
    expect(readFileSync(join(fp16.dir, 'unet/model.onnx')).equals(fp16Files.get('unet/model_fp16.onnx')!)).toBe(true);
    const fp32 = await pull({ source: 'acme/two-precisions', modelsDir: modelsDir() });
    expect(readModelFolder(fp32.dir).components.unet.inputs.find((i) => i.name === 'sample')?.type).toBe('float32');
    expect(existsSync(join(fp32.dir, 'unet/model_fp16.onnx'))).toBe(false);
  });

  it('finds a model kept in a sub-folder of the repository, or the one named with --subfolder', async () => {
    const events: PullEvent[] = [];
    const found = await pull({ source: 'acme/nested', modelsDir: modelsDir() }, undefined, events);
    expect(readModelFolder(found.dir).name).toBe('nested');
    expect(events.find((e) => e.kind === 'planned')).toMatchObject({ subfolder: 'onnx' });
    const named = await pull({ source: 'acme/nested', modelsDir: modelsDir(), subfolder: 'onnx/' });
    expect(readModelFolder(named.dir).name).toBe('nested');
  });

  it('sends the token to the Hub for a gated repository, never to the CDN, and says which variable to set without it', async () => {
    const dir = modelsDir();
    const refused = await pull({ source: 'acme/gated-sd', modelsDir: dir }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HubError);
    expect((refused as HubError).message).toMatch(/acme\/gated-sd is a gated model: set HF_TOKEN to an access token .* after accepting the terms at http:\/\/127\.0\.0\.1:\d+\/acme\/gated-sd/);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);

    const start = hub.requests.length;
    const pulled = await pull({ source: 'acme/gated-sd', modelsDir: dir }, new HubClient({ endpoint: hub.endpoint, token: hub.token }));
    expect(readModelFolder(pulled.dir).name).toBe('gated-sd');
    const seen = hub.requests.slice(start);
    expect(seen.filter((r) => r.server === 'hub').every((r) => r.authorization === `Bearer ${hub.token}`)).toBe(true);
    expect(seen.filter((r) => r.server === 'cdn').length).toBeGreaterThan(0);
    expect(seen.filter((r) => r.server === 'cdn').every((r) => r.authorization === undefined)).toBe(true);
  });

  it('names a repository, revision or layout it cannot use', async () => {
    const dir = modelsDir();
    const message = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.message);
    expect(await message(pull({ source: 'acme/nope', modelsDir: dir }, new HubClient({ endpoint: hub.endpoint, token: hub.token })))).toMatch(/has no model acme\/nope \(HTTP 404\)/);
    expect(await message(pull({ source: 'acme/nope', modelsDir: dir }))).toMatch(/refused acme\/nope \(HTTP 401\): it does not exist, or it is private or gated; set HF_TOKEN/);
    expect(await message(pull({ source: 'acme/tiny-sd@v9', modelsDir: dir }))).toBe("acme/tiny-sd has no branch, tag or commit 'v9'.");
    expect(await message(pull({ source: 'acme/pytorch-only', modelsDir: dir }))).toMatch(/has no ONNX files: it publishes PyTorch\/safetensors weights only/);
    expect(await message(pull({ source: 'not a repo', modelsDir: dir }))).toMatch(/is not a Hub repository id/);
    expect(await message(pull({ source: 'acme/tiny-sd', modelsDir: dir, name: '../escape' }))).toMatch(/cannot be a model name/);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    // An existing model is never overwritten.
    await pull({ source: 'acme/tiny-sd', modelsDir: dir });
    expect(await message(pull({ source: 'acme/tiny-sd', modelsDir: dir }))).toMatch(/tiny-sd already exists; pick another name with --name/);
  });

  it('resumes a file whose connection dropped with a Range request, within the same pull', async () => {
    const size = files.get(LARGE)!.length;
    hub.dropConnection(LARGE, 40_000);
    const before = hub.cdnRequests(LARGE).length;
    const events: PullEvent[] = [];
    const pulled = await pull({ source: 'acme/tiny-sd', modelsDir: modelsDir() }, undefined, events);
    const tries = hub.cdnRequests(LARGE).slice(before);
    expect(tries).toHaveLength(2);
    expect(tries[0]!.range).toBeUndefined();
    expect(tries[1]!.range).toMatch(/^bytes=\d+-$/);
    const from = Number(/\d+/.exec(tries[1]!.range!)![0]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThan(size);
    expect(events.find((e) => e.kind === 'retry')).toMatchObject({ file: { path: LARGE }, from });
    expect(sha256(readFileSync(join(pulled.dir, LARGE)))).toBe(sha256(files.get(LARGE)!));
  });

  it('leaves no model behind when a pull is cut off, and the next pull resumes where it stopped', async () => {
    const dir = modelsDir();
    hub.dropConnection(LARGE, 50_000, 100);
    const client = new HubClient({ endpoint: hub.endpoint, attempts: 2 });
    const failed = await pull({ source: 'acme/tiny-sd', modelsDir: dir }, client).catch((e: Error) => e);
    expect((failed as Error).message).toMatch(/text_encoder\/model\.onnx_data: the download failed 2 times .*run the same command again to resume it/);
    expect(readdirSync(dir)).toEqual(['.pull-tiny-sd']);
    // The bot does not offer the staging folder.
    const partial = statSync(join(dir, '.pull-tiny-sd', `${LARGE}.incomplete`)).size;
    expect(partial).toBeGreaterThan(0);

    hub.dropConnection(LARGE, 0, 0);
    const before = hub.cdnRequests().length;
    const events: PullEvent[] = [];
    const pulled = await pull({ source: 'acme/tiny-sd', modelsDir: dir }, client, events);
    const cdn = hub.cdnRequests().slice(before);
    // The cut file continues from where it stopped; the files finished before it are not fetched again.
    expect(cdn.filter((r) => hub.cdnRequests(LARGE).includes(r)).map((r) => r.range)).toEqual([`bytes=${partial}-`]);
    expect(cdn.filter((r) => r.range === undefined).length).toBe(cdn.length - 1);
    expect(events.find((e) => e.kind === 'planned')).toMatchObject({ haveBytes: expect.any(Number) });
    expect((events.find((e) => e.kind === 'planned') as { haveBytes: number }).haveBytes).toBeGreaterThanOrEqual(partial);
    const reused = events.filter((e) => e.kind === 'done-file' && e.reused).map((e) => (e.kind === 'done-file' ? e.file.path : ''));
    expect(reused).toEqual(['README.md', 'model_index.json', 'scheduler/scheduler_config.json', 'text_encoder/model.onnx']);
    expect(sha256(readFileSync(join(pulled.dir, LARGE)))).toBe(sha256(files.get(LARGE)!));
    expect(readdirSync(dir)).toEqual(['tiny-sd']);
  });

  it('refuses bytes that do not match the Hub hash, deletes them, and fetches them anew next time', async () => {
    const dir = modelsDir();
    hub.corruptFile(LARGE);
    const failed = await pull({ source: 'acme/tiny-sd', modelsDir: dir }).catch((e: Error) => e);
    hub.corruptFile(LARGE, false);
    expect((failed as Error).message).toMatch(/text_encoder\/model\.onnx_data: the downloaded bytes do not match the Hub's SHA-256; it was deleted/);
    expect(readdirSync(dir)).toEqual(['.pull-tiny-sd']);
    expect(statSync(join(dir, '.pull-tiny-sd', `${LARGE}.incomplete`)).size).toBe(0);
    const pulled = await pull({ source: 'acme/tiny-sd', modelsDir: dir });
    expect(sha256(readFileSync(join(pulled.dir, LARGE)))).toBe(sha256(files.get(LARGE)!));
  });

  it('stops before downloading a file the Hub now names differently than its listing did', async () => {
    hub.changeContent(LARGE);
    const before = hub.cdnRequests(LARGE).length;
    const failed = await pull({ source: 'acme/tiny-sd', modelsDir: modelsDir() }).catch((e: Error) => e);
    hub.changeContent(LARGE, false);
    expect((failed as Error).message).toMatch(/text_encoder\/model\.onnx_data: the Hub lists content [0-9a-f]{12}… but serves [0-9a-f]{12}…; the repository changed under this pull/);
    expect(hub.cdnRequests(LARGE).length).toBe(before);
  });

  it('checks free disk space before downloading anything', async () => {
    const huge = new Map(files);
    hub.publish('acme/huge', huge, { sizes: { 'unet/weights.pb': 2 ** 52 } });
    const dir = modelsDir();
    const before = hub.cdnRequests().length;
    const failed = await pull({ source: 'acme/huge', modelsDir: dir }).catch((e: Error) => e);
    expect((failed as Error).message).toMatch(/the model needs 4\.5 PB more, and .* has .* free; make room or set MODELS_DIR to a larger disk/);
    expect(hub.cdnRequests().length).toBe(before);
    expect(hub.hubRequests().some((r) => r.url.includes('/acme/huge/resolve/'))).toBe(false);
  });
});
