/**
 * The trained upscalers that ship in models/upscalers/: made from UpscalerJS's ESRGAN packages
 * by the converter, equal to UpscalerJS's own inference (@tensorflow/tfjs, CPU backend) pixel for
 * pixel within 1/255, and visibly sharper than the Lanczos they replace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertPackagedModel, SHIPPED_SCALES, SHIPPED_SIZE, upscalerFileName } from '../../scripts/upscalers/build.js';
import { DEFAULT_UPSCALERS_DIR, loadConfig } from '../../src/config.js';
import { ModelCatalog } from '../../src/pipeline/catalog.js';
import { readOnnxMetadata } from '../../src/pipeline/onnx-metadata.js';
import type { RgbImage } from '../../src/pipeline/types.js';
import { lanczosResize, Upscaler, UpscalerModel } from '../../src/pipeline/upscale.js';
import { notoEmoji, psnr, shrink } from '../../scripts/upscalers/pictures.js';
import { referenceUpscaler } from '../fixtures/upscalerjs-reference.js';

const shipped = (scale: number) => join(DEFAULT_UPSCALERS_DIR, upscalerFileName(SHIPPED_SIZE, scale));

/** A picture with hard edges, gradients, a disc and fine checks, so every part of the network matters. */
function testPattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / (width - 1);
      data[i + 1] = (x - width / 3) ** 2 + (y - height / 2) ** 2 < (height / 4) ** 2 ? 220 : 50;
      data[i + 2] = (x >> 1) % 2 === (y >> 1) % 2 ? 200 : 40;
    }
  }
  return { width, height, data };
}

/** Share of channel values that differ by more than 1/255. */
function mismatch(a: RgbImage, b: RgbImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let bad = 0;
  for (let i = 0; i < a.data.length; i++) if (Math.abs(a.data[i]! - b.data[i]!) > 1) bad++;
  return bad / a.data.length;
}

describe('the shipped upscalers', () => {
  it.each(SHIPPED_SCALES)('×%i is exactly what the converter makes from the npm package, and says its scale and context', (scale) => {
    const { bytes, context } = convertPackagedModel(SHIPPED_SIZE, scale);
    expect(Buffer.from(readFileSync(shipped(scale))).equals(Buffer.from(bytes))).toBe(true);
    expect(readOnnxMetadata(shipped(scale)).properties).toMatchObject({ 'imagine.upscaler.scale': String(scale), 'imagine.upscaler.context': String(context), license: 'MIT' });
    expect(readFileSync(join(DEFAULT_UPSCALERS_DIR, 'LICENSE'), 'utf8')).toMatch(/MIT License[\s\S]*Kevin Scott/);
    expect(readFileSync(join(DEFAULT_UPSCALERS_DIR, 'README.md'), 'utf8')).toContain(`@upscalerjs/esrgan-${SHIPPED_SIZE}`);
  });

  it('are what the bot loads unless UPSCALER_MODEL names another file', () => {
    expect(loadConfig({}).UPSCALERS).toEqual(SHIPPED_SCALES.map(shipped));
    expect(loadConfig({ UPSCALER_MODEL: '/opt/models/4x-other.onnx' }).UPSCALERS).toEqual(['/opt/models/4x-other.onnx']);
    for (const f of loadConfig({}).UPSCALERS) expect(existsSync(f)).toBe(true);
    // Their folder sits beside the models without being taken for a broken model.
    const config = loadConfig({});
    expect(ModelCatalog.scan(config.MODEL_DIR, config.MODELS_DIR).skipped).toEqual([]);
  });
});

describe.each(SHIPPED_SCALES)('×%i against UpscalerJS on @tensorflow/tfjs', (scale) => {
  let ours: UpscalerModel;
  let reference: Awaited<ReturnType<typeof referenceUpscaler>>;
  beforeAll(async () => {
    ours = await UpscalerModel.open(shipped(scale));
    reference = await referenceUpscaler(SHIPPED_SIZE, scale);
  }, 60_000);
  afterAll(async () => {
    await ours?.release();
    await reference?.close();
  });

  it('matches on an odd-sized picture smaller than one tile', async () => {
    const img = testPattern(37, 29);
    let tiles = 0;
    const out = await ours.run(img, { cancelled: () => (tiles++, false) });
    expect(tiles).toBe(1);
    expect([out.width, out.height]).toEqual([37 * scale, 29 * scale]);
    expect(mismatch(out, await reference.upscale(img))).toBeLessThanOrEqual(0.001);
  }, 120_000);

  it('matches on an odd-sized picture cut into 2×2 overlapping tiles', async () => {
    const img = testPattern(87, 85);
    let tiles = 0;
    // Tiles of 80 keep 80 − 2 × context pixels each, so each side needs two.
    const out = await ours.run(img, { tile: 80, cancelled: () => (tiles++, false) });
    expect(tiles).toBe(4);
    expect(mismatch(out, await reference.upscale(img))).toBeLessThanOrEqual(0.001);
  }, 180_000);
});

describe('what users see', () => {
  it.each(SHIPPED_SCALES)('×%i brings a shrunk drawing back closer to the original than Lanczos does', async (scale) => {
    const upscaler = await Upscaler.open([shipped(scale)]);
    let trained = 0;
    let lanczos = 0;
    for (const name of ['red-heart', 'cat-face', 'rocket', 'frog']) {
      const original = await notoEmoji(name, 128);
      const small = await shrink(original, scale);
      trained += psnr(await upscaler.upscale(small, scale), original);
      lanczos += psnr(await lanczosResize(small, 128, 128), original);
    }
    await upscaler.release();
    expect(trained / 4).toBeGreaterThan(lanczos / 4 + (scale === 2 ? 1 : 0.2));
  });

  it('keeps a white picture white to its very edge (no dark frame from the model\'s zero padding)', async () => {
    const white: RgbImage = { width: 40, height: 24, data: new Uint8Array(40 * 24 * 3).fill(255) };
    for (const scale of SHIPPED_SCALES) {
      const upscaler = await Upscaler.open([shipped(scale)]);
      const out = await upscaler.upscale(white, scale);
      expect(Math.min(...out.data)).toBeGreaterThanOrEqual(245);
      // Without the repeated border the model darkens the outer rows.
      const bare = await upscaler.models[0]!.run(white);
      expect(Math.min(...bare.data)).toBeLessThan(230);
      await upscaler.release();
    }
  });
});
