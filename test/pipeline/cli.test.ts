import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../fixtures/tiny-models.js';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'imagine-cli-'));
const model = writeTinyModel(join(root, 'model'), { generation: 'optimum-2023', family: 'sd1' });
afterAll(() => rmSync(root, { recursive: true, force: true }));

function imagine(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/imagine.ts', ...args], { cwd: process.cwd(), env: { ...process.env, MODEL_DIR: '' } });
}

describe('npm run imagine', () => {
  it('writes a PNG of the requested size, the same for the same seed', async () => {
    const out = join(root, 'a.png');
    const { stdout } = await imagine('a red heart', '--seed', '42', '--steps', '3', '-W', '64', '-H', '72', '--out', out, '--model', model);
    expect(stdout).toContain(`${out} (seed 42, 64×72)`);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([64, 72, 'png']);
    const again = join(root, 'b.png');
    await imagine('a red heart', '--seed', '42', '--steps', '3', '-W', '64', '-H', '72', '--out', again, '--model', model, '-q');
    expect(await sharp(again).raw().toBuffer()).toEqual(await sharp(out).raw().toBuffer());
  });

  it('writes one file per seed for a batch and upscales on request', async () => {
    const out = join(root, 'batch.png');
    const { stdout } = await imagine('a cat', '--seed', '7', '--steps', '2', '-W', '64', '-H', '64', '-b', '2', '--upscale', '2', '--out', out, '--model', model, '-q');
    expect(stdout.trim().split('\n')).toEqual([`${join(root, 'batch-7.png')} (seed 7, 128×128)`, `${join(root, 'batch-8.png')} (seed 8, 128×128)`]);
  });

  it('explains a request the model refuses and a missing model folder, with exit code 1', async () => {
    const refused = await imagine('x', '--steps', '200', '--model', model).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toMatch(/imagine: 200 steps is more than the model `model` allows \(at most 150\)/);
    const missing = await imagine('x', '--model', join(root, 'none')).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 1 });
    expect((missing as { stderr: string }).stderr).toMatch(/model folder .*none does not exist/);
  });
});
