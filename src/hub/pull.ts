/**
 * `npm run model -- pull`: one revision of a Hub repository into MODELS_DIR/<name>, all or nothing.
 * Files go into a hidden staging folder (the bot skips folders whose name starts with a dot), each
 * checked against the Hub's size and hash; the folder is renamed into place only when every file
 * is there and the pipeline can read it. A staging folder left by an interrupted pull of the same
 * commit is resumed: finished files are kept, a partial one continues with a Range request.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HubError, REPO_ID, type HubClient, type HubFile } from './client.js';
import { selectModelFiles, type PlannedFile, type Variant } from './selection.js';

/** A name the bot can offer (`--model NAME`) and a folder name on every system. */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Folders beside the models that hold other things (models/upscalers, models/safety). */
const RESERVED_NAMES = new Set(['upscalers', 'safety']);
const PARTIAL = '.incomplete';
const STATE_FILE = '.pull.json';
/** Written beside the model: where it came from (repo, commit), for `list` and for people. */
export const SOURCE_FILE = 'hub-source.json';

export interface PullRequest {
  /** `owner/name` or `owner/name@revision`. */
  source: string;
  subfolder?: string;
  name?: string;
  variant?: Variant;
  modelsDir: string;
}

export type PullEvent =
  | { kind: 'resolved'; repo: string; revision: string; commit: string }
  | { kind: 'planned'; files: PlannedFile[]; totalBytes: number; haveBytes: number; notes: string[]; subfolder: string }
  | { kind: 'file'; file: PlannedFile; index: number; count: number }
  | { kind: 'bytes'; delta: number }
  | { kind: 'retry'; file: PlannedFile; reason: string; from: number }
  | { kind: 'done-file'; file: PlannedFile; verified: 'sha256' | 'git' | 'size'; reused: boolean };

export interface PulledModel {
  name: string;
  dir: string;
  repo: string;
  revision: string;
  commit: string;
  bytes: number;
}

/** `owner/name[@revision]` → its parts; throws HubError on anything else. */
export function parseSource(source: string): { repo: string; revision: string } {
  const at = source.indexOf('@');
  const repo = (at < 0 ? source : source.slice(0, at)).trim();
  const revision = at < 0 ? 'main' : source.slice(at + 1).trim();
  if (!REPO_ID.test(repo)) throw new HubError(`'${repo}' is not a Hub repository id; write it as owner/name, e.g. stabilityai/sdxl-turbo`);
  if (!revision || /[\s]/.test(revision)) throw new HubError(`'${revision}' is not a revision; give a branch, tag or commit after @`);
  return { repo, revision };
}

export function checkModelName(name: string): string {
  if (!MODEL_NAME.test(name) || RESERVED_NAMES.has(name.toLowerCase())) {
    throw new HubError(`'${name}' cannot be a model name: use letters, digits, '.', '_' and '-' (up to 64, not starting with a dot), and not ${[...RESERVED_NAMES].join(' or ')}`);
  }
  return name;
}

/** `1.2 GB`: decimal units, as the Hub shows sizes. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

async function sizeIfExists(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

/**
 * Downloads and verifies the model; `check` reads the staged folder as the pipeline will and
 * returns its problems (none: it is renamed into place). Throws HubError with what went wrong
 * and what to do; the staging folder is kept for a resume unless its content was bad.
 */
export async function pullModel(
  client: HubClient,
  request: PullRequest,
  check: (dir: string) => string[],
  onEvent: (e: PullEvent) => void = () => {},
): Promise<PulledModel> {
  const { repo, revision } = parseSource(request.source);
  const name = checkModelName(request.name ?? repo.split('/').pop()!);
  const target = join(request.modelsDir, name);
  if (existsSync(target)) throw new HubError(`${target} already exists; pick another name with --name, or remove that folder first`);

  const commit = await client.resolveRevision(repo, revision);
  onEvent({ kind: 'resolved', repo, revision, commit });
  const listed = await client.listFiles(repo, commit);
  const selection = selectModelFiles(listed, { repo, subfolder: request.subfolder, variant: request.variant });
  const staging = join(request.modelsDir, `.pull-${name}`);
  const state = { repo, commit, subfolder: selection.subfolder, variant: request.variant ?? 'fp32' };
  await prepareStaging(staging, state);

  let haveBytes = 0;
  for (const f of selection.files) {
    const done = await sizeIfExists(join(staging, f.local));
    haveBytes += done === f.size ? done : Math.min(f.size, (await sizeIfExists(join(staging, f.local + PARTIAL))) ?? 0);
  }
  const totalBytes = selection.files.reduce((s, f) => s + f.size, 0);
  onEvent({ kind: 'planned', files: selection.files, totalBytes, haveBytes, notes: selection.notes, subfolder: selection.subfolder });
  await checkFreeSpace(request.modelsDir, totalBytes - haveBytes);

  for (const [index, file] of selection.files.entries()) {
    onEvent({ kind: 'file', file, index, count: selection.files.length });
    const dest = join(staging, file.local);
    if ((await sizeIfExists(dest)) === file.size) {
      // Verified before it got its final name in an earlier run.
      onEvent({ kind: 'done-file', file, verified: verification(file), reused: true });
      continue;
    }
    await mkdir(dirname(dest), { recursive: true });
    await client.download(repo, commit, file, dest + PARTIAL, {
      onBytes: (delta) => onEvent({ kind: 'bytes', delta }),
      onRetry: (reason, from) => onEvent({ kind: 'retry', file, reason, from }),
    });
    await rename(dest + PARTIAL, dest);
    onEvent({ kind: 'done-file', file, verified: verification(file), reused: false });
  }

  const problems = check(staging);
  if (problems.length > 0) {
    throw new HubError(
      `the files arrived intact, but they are not a model this bot can load:\n${problems.map((p) => `  - ${p}`).join('\n')}\nThey stay in ${staging} (the bot ignores that folder); delete it when you are done with it`,
    );
  }
  await rm(join(staging, STATE_FILE), { force: true });
  await writeFile(join(staging, SOURCE_FILE), `${JSON.stringify({ repo, revision, commit, subfolder: selection.subfolder || undefined, variant: state.variant, endpoint: client.endpoint }, null, 2)}\n`);
  if (existsSync(target)) throw new HubError(`${target} appeared while downloading; the model stays in ${staging}`);
  await rename(staging, target);
  return { name, dir: target, repo, revision, commit, bytes: totalBytes };
}

function verification(f: HubFile): 'sha256' | 'git' | 'size' {
  return f.sha256 ? 'sha256' : f.gitOid ? 'git' : 'size';
}

/** Keeps a staging folder of the same repo and commit (a resume); anything else there is cleared. */
async function prepareStaging(staging: string, state: Record<string, string>): Promise<void> {
  const stateFile = join(staging, STATE_FILE);
  if (existsSync(staging)) {
    const previous = await readFile(stateFile, 'utf8').catch(() => '');
    if (previous !== JSON.stringify(state)) await rm(staging, { recursive: true, force: true });
  }
  await mkdir(staging, { recursive: true });
  await writeFile(stateFile, JSON.stringify(state));
}

async function checkFreeSpace(dir: string, needed: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const fs = await statfs(dir);
  const free = Number(fs.bavail) * Number(fs.bsize);
  if (needed > free) {
    throw new HubError(`the model needs ${formatBytes(needed)} more, and ${dir} has ${formatBytes(free)} free; make room or set MODELS_DIR to a larger disk`);
  }
}

/** The staging folders interrupted pulls left in MODELS_DIR (for `list`). */
export async function unfinishedPulls(modelsDir: string): Promise<string[]> {
  try {
    return (await readdir(modelsDir)).filter((d) => d.startsWith('.pull-')).map((d) => join(modelsDir, d));
  } catch {
    return [];
  }
}
