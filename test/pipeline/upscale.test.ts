import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../scripts/onnx-writer/graph.js';
import { ModelSession } from '../../src/pipeline/onnx-session.js';
import type { RgbImage } from '../../src/pipeline/types.js';
import { esrganUpscale, lanczosResize, upscale } from '../../src/pipeline/upscale.js';

const root = mkdtempSync(join(tmpdir(), 'upscale-'));
let dynamic: ModelSession;
let fixed16: ModelSession;

/** A 4× "ESRGAN": nearest-neighbour enlargement of 1 − x, so its output is checkable pixel by pixel. */
function writeUpscaler(file: string, size: number | undefined, dtype: 'float32' | 'float16' = 'float32'): string {
  const g = new GraphBuilder('esrgan');
  const x = g.input('image', dtype, [1, 3, size ?? 'h', size ?? 'w']);
  const x32 = dtype === 'float32' ? x : g.op('Cast', [x], { to: 1 });
  const y = g.op('Sub', [g.constant(1), g.op('Resize', [x32, '', g.constant([1, 1, 4, 4])], { mode: 'nearest' })]);
  g.output(dtype === 'float32' ? y : g.op('Cast', [y], { to: 10 }), 'upscaled', dtype, [1, 3, 'H', 'W']);
  g.save(file);
  return file;
}

function pattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 5)) % 256;
  return { width, height, data };
}

beforeAll(async () => {
  dynamic = await ModelSession.open(writeUpscaler(join(root, 'dynamic.onnx'), undefined));
  fixed16 = await ModelSession.open(writeUpscaler(join(root, 'fixed16.onnx'), 16, 'float16'));
});
afterAll(async () => {
  await dynamic.release();
  await fixed16.release();
  rmSync(root, { recursive: true, force: true });
});

describe('upscale', () => {
  it('runs the model over the whole image: every output pixel is the model output of its source pixel', async () => {
    const img = pattern(10, 7);
    const out = await esrganUpscale(dynamic, img, 4);
    expect([out.width, out.height]).toEqual([40, 28]);
    for (const [x, y] of [[0, 0], [39, 27], [17, 9]] as const) {
      const src = (Math.floor(y / 4) * 10 + Math.floor(x / 4)) * 3;
      const dst = (y * 40 + x) * 3;
      for (let c = 0; c < 3; c++) expect(out.data[dst + c]).toBe(255 - img.data[src + c]!);
    }
  });

  it('tiles with overlap give the same picture as one pass', async () => {
    const img = pattern(45, 31);
    const whole = await esrganUpscale(dynamic, img, 4);
    const tiled = await esrganUpscale(dynamic, img, 4, { tile: 16, overlap: 4 });
    expect(tiled.data).toEqual(whole.data);
  });

  it('works with a fixed-size float16 export by tiling at its size', async () => {
    const img = pattern(45, 31);
    const viaFixed = await esrganUpscale(fixed16, img, 4);
    const whole = await esrganUpscale(dynamic, img, 4);
    expect([viaFixed.width, viaFixed.height]).toEqual([180, 124]);
    // float16 holds 8-bit values in [0, 1] exactly enough to round back to the same byte.
    expect(viaFixed.data).toEqual(whole.data);
  });

  it('resizes a 4× model result to 2× when asked, and falls back to Lanczos without a model', async () => {
    const img = pattern(12, 8);
    const two = await upscale(img, 2, dynamic);
    expect([two.width, two.height]).toEqual([24, 16]);
    const lanczos = await upscale(img, 4);
    expect(lanczos.data).toEqual((await lanczosResize(img, 48, 32)).data);
    await expect(upscale(img, 3 as never)).rejects.toThrow(/2 or 4/);
  });
});
