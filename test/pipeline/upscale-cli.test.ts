import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../scripts/onnx-writer/graph.js';
import { DEFAULT_UPSCALERS_DIR, upscalerFilesIn } from '../../src/config.js';
import { decodeToRgb } from '../../src/images/png.js';
import { Upscaler } from '../../src/pipeline/upscale.js';
import { notoEmoji } from '../../scripts/upscalers/pictures.js';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'upscale-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function upscale(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/upscale.ts', ...args], { cwd: process.cwd(), env: { ...process.env, UPSCALER_MODEL: '' } });
}
const failure = (p: Promise<unknown>) => p.then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);

describe('npm run upscale', () => {
  it('upscales a picture 2× and 4× with the shipped model of that scale, exactly as the buttons do', async () => {
    const input = join(root, 'heart.png');
    await sharp(Buffer.from((await notoEmoji('red-heart', 48)).data), { raw: { width: 48, height: 48, channels: 3 } }).png().toFile(input);
    const shipped = await Upscaler.open(upscalerFilesIn(DEFAULT_UPSCALERS_DIR));
    for (const scale of [2, 4] as const) {
      const out = join(root, `heart-${scale}x.png`);
      const { stdout } = await upscale(input, '--scale', String(scale), '--out', out);
      expect(stdout).toContain(`${out} (48×48 → ${48 * scale}×${48 * scale}, esrgan-medium-x${scale}.onnx,`);
      const written = await decodeToRgb(readFileSync(out));
      const buttons = await shipped.upscale(await decodeToRgb(readFileSync(input)), scale);
      expect(written.data).toEqual(buttons.data);
    }
    await shipped.release();
  });

  it('runs the model given with --model, and says when its own scale is resized to the one asked', async () => {
    const input = join(root, 'dot.png');
    await sharp({ create: { width: 10, height: 6, channels: 3, background: '#204080' } }).png().toFile(input);
    const g = new GraphBuilder('x4');
    const x = g.input('input', 'float32', [1, 3, 'h', 'w']);
    g.output(g.op('Resize', [x, '', g.constant([1, 1, 4, 4])], { mode: 'nearest' }), 'output', 'float32', [1, 3, 'H', 'W']);
    const model = join(root, 'nearest-x4.onnx');
    g.save(model);
    const out = join(root, 'dot-2x.png');
    const { stdout } = await upscale(input, '--scale', '2', '--model', model, '--out', out);
    expect(stdout).toContain('10×6 → 20×12, nearest-x4.onnx (a ×4 model, resized to ×2 with Lanczos)');
    expect((await sharp(out).metadata()).width).toBe(20);
  });

  it('explains a missing picture, an unreadable one, a model that does not load and a scale it does not offer, with exit code 1', async () => {
    const out = join(root, 'x.png');
    expect(await failure(upscale(join(root, 'none.png'), '--scale', '2', '--out', out))).toMatchObject({ code: 1, stderr: expect.stringMatching(/upscale: .*none\.png does not exist/) });
    const text = join(root, 'text.png');
    writeFileSync(text, 'not a picture');
    expect(await failure(upscale(text, '--scale', '2', '--out', out))).toMatchObject({ code: 1, stderr: expect.stringMatching(/text\.png is not a picture this can read/) });
    const broken = join(root, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    const input = join(root, 'dot.png');
    expect(await failure(upscale(input, '--scale', '2', '--model', broken, '--out', out))).toMatchObject({ code: 1, stderr: expect.stringMatching(/upscale: upscaler .*broken\.onnx did not load/) });
    expect(await failure(upscale(input, '--scale', '3', '--out', out))).toMatchObject({ code: 1, stderr: expect.stringMatching(/Allowed choices are 2, 4/) });
  });
});
