import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { ImageStore } from './types.js';

/** Keys are relative paths of plain names, e.g. `<jobId>/0.png`; nothing may climb out of the folder. */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

export class ImageNotFoundError extends Error {
  override name = 'ImageNotFoundError';
}

/** PNGs as files under one folder (DATA_DIR/images); writes are atomic (temporary file, then rename). */
export class LocalImageStore implements ImageStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** The file a key is stored in. */
  pathOf(key: string): string {
    if (!KEY.test(key) || key.split('/').some((part) => part === '.' || part === '..')) throw new Error(`bad image key '${key}'`);
    return join(this.dir, ...key.split('/'));
  }

  async put(key: string, data: Buffer): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ImageNotFoundError(`image ${key} is not stored (expired or removed)`);
      throw err;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  /** Removes a job's folder (`<jobId>` or `<jobId>/`). */
  async deletePrefix(prefix: string): Promise<void> {
    const folder = this.pathOf(prefix.replace(/\/+$/, ''));
    if (folder === this.dir || !folder.startsWith(this.dir + sep)) throw new Error(`bad image prefix '${prefix}'`);
    await rm(folder, { recursive: true, force: true });
  }
}
