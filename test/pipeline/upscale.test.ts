import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../scripts/onnx-writer/graph.js';
import { GenerationCancelledError, type RgbImage } from '../../src/pipeline/types.js';
import { lanczosResize, Upscaler, UpscalerModel } from '../../src/pipeline/upscale.js';

const root = mkdtempSync(join(tmpdir(), 'upscale-'));
let dynamic: UpscalerModel;
let fixed16: UpscalerModel;

/**
 * A fake ESRGAN: nearest-neighbour enlargement by `scale` of 1 − x (or of x when `invert` is
 * false), so its output is checkable pixel by pixel. `declare` writes the scale into the file's
 * metadata as the converted models do.
 */
function writeUpscaler(file: string, size: number | undefined, options: { dtype?: 'float32' | 'float16'; scale?: number; invert?: boolean; declare?: boolean } = {}): string {
  const { dtype = 'float32', scale = 4, invert = true } = options;
  const g = new GraphBuilder('esrgan');
  const x = g.input('image', dtype, [1, 3, size ?? 'h', size ?? 'w']);
  const x32 = dtype === 'float32' ? x : g.op('Cast', [x], { to: 1 });
  const up = g.op('Resize', [x32, '', g.constant([1, 1, scale, scale])], { mode: 'nearest' });
  const y = invert ? g.op('Sub', [g.constant(1), up]) : up;
  g.output(dtype === 'float32' ? y : g.op('Cast', [y], { to: 10 }), 'upscaled', dtype, [1, 3, 'H', 'W']);
  g.save(file, options.declare ? { metadata: { 'imagine.upscaler.scale': String(scale), 'imagine.upscaler.context': '0' } } : {});
  return file;
}

function pattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 5)) % 256;
  return { width, height, data };
}

beforeAll(async () => {
  dynamic = await UpscalerModel.open(writeUpscaler(join(root, 'dynamic.onnx'), undefined));
  fixed16 = await UpscalerModel.open(writeUpscaler(join(root, 'fixed16.onnx'), 16, { dtype: 'float16' }));
});
afterAll(async () => {
  await dynamic.release();
  await fixed16.release();
  rmSync(root, { recursive: true, force: true });
});

describe('upscale', () => {
  it('runs the model over the whole image: every output pixel is the model output of its source pixel', async () => {
    const img = pattern(10, 7);
    const out = await dynamic.run(img);
    expect([out.width, out.height]).toEqual([40, 28]);
    for (const [x, y] of [[0, 0], [39, 27], [17, 9]] as const) {
      const src = (Math.floor(y / 4) * 10 + Math.floor(x / 4)) * 3;
      const dst = (y * 40 + x) * 3;
      for (let c = 0; c < 3; c++) expect(out.data[dst + c]).toBe(255 - img.data[src + c]!);
    }
  });

  it('tiles with overlap give the same picture as one pass', async () => {
    const img = pattern(45, 31);
    const whole = await dynamic.run(img);
    const tiled = await dynamic.run(img, { tile: 16, overlap: 4 });
    expect(tiled.data).toEqual(whole.data);
    // With a repeated border around the picture, tiles still cover it exactly once.
    const bordered = await dynamic.run(img, { tile: 16, overlap: 4, edge: 3 });
    expect(bordered.data).toEqual(whole.data);
  });

  it('works with a fixed-size float16 export by tiling at its size', async () => {
    const img = pattern(45, 31);
    const viaFixed = await fixed16.run(img);
    const whole = await dynamic.run(img);
    expect([viaFixed.width, viaFixed.height]).toEqual([180, 124]);
    // float16 holds 8-bit values in [0, 1] exactly enough to round back to the same byte.
    expect(viaFixed.data).toEqual(whole.data);
  });

  it('resizes a 4× model result to 2× when asked, and falls back to Lanczos without a model', async () => {
    const img = pattern(12, 8);
    const one = await Upscaler.open([join(root, 'dynamic.onnx')]);
    const two = await one.upscale(img, 2);
    expect([two.width, two.height]).toEqual([24, 16]);
    expect(two.data).toEqual((await lanczosResize(await dynamic.run(img), 24, 16)).data);
    const none = await Upscaler.open([]);
    expect((await none.upscale(img, 4)).data).toEqual((await lanczosResize(img, 48, 32)).data);
    await expect(none.upscale(img, 3 as never)).rejects.toThrow(/2 or 4/);
    await one.release();
  });

  it('picks the model of the asked scale from the ones it has', async () => {
    const set = await Upscaler.open([
      writeUpscaler(join(root, 'x2.onnx'), undefined, { scale: 2, invert: false, declare: true }),
      writeUpscaler(join(root, 'x4.onnx'), undefined, { scale: 4, invert: true, declare: true }),
    ]);
    expect([set.method(2), set.method(4)]).toEqual(['x2.onnx', 'x4.onnx']);
    const img = pattern(6, 5);
    const two = await set.upscale(img, 2);
    const four = await set.upscale(img, 4);
    // ×2 is the ×2 model's own output (the source pixel), ×4 the ×4 model's (inverted): no resize in between.
    expect(two.data[(3 * 12 + 5) * 3]).toBe(img.data[(1 * 6 + 2) * 3]);
    expect(four.data[(7 * 24 + 11) * 3]).toBe(255 - img.data[(1 * 6 + 2) * 3]!);
    await set.release();
  });

  it('reports a file that does not load and upscales with Lanczos instead of failing', async () => {
    const broken = join(root, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    const warnings: string[] = [];
    const set = await Upscaler.open([broken], { log: (_l, m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/broken\.onnx did not load.*upscaling uses Lanczos/)]);
    const img = pattern(10, 10);
    expect((await set.upscale(img, 2)).data).toEqual((await lanczosResize(img, 20, 20)).data);
  });

  it('stops between tiles when the job is cancelled', async () => {
    let tiles = 0;
    const run = dynamic.run(pattern(100, 100), { tile: 40, overlap: 4, cancelled: () => ++tiles > 2 });
    await expect(run).rejects.toBeInstanceOf(GenerationCancelledError);
    expect(tiles).toBe(3);
  });
});
