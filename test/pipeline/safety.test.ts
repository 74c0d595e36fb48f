/**
 * The image safety classifier that ships in models/safety/: made from nsfwjs's MobileNetV2 by the
 * converter, and scoring pictures as nsfwjs itself does (@tensorflow/tfjs, CPU backend) within 0.01.
 * Only harmless pictures: emoji, the project's own outputs, drawn test patterns, a flower photo.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSafetyModel, SAFETY_CLASSES, SAFETY_DIR, SAFETY_FILE } from '../../scripts/safety/build.js';
import { notoEmoji, samplePhoto } from '../../scripts/upscalers/pictures.js';
import { DEFAULT_SAFETY_MODEL, loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadPipeline } from '../../src/pipeline/pipeline.js';
import { readModelFolder } from '../../src/pipeline/model-folder.js';
import { safetyVerdict } from '../../src/core/safety.js';
import { GraphBuilder } from '../../scripts/onnx-writer/graph.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';
import { decodeToRgb } from '../../src/images/png.js';
import { readOnnxMetadata } from '../../src/pipeline/onnx-metadata.js';
import { SafetyClassifier } from '../../src/pipeline/safety.js';
import type { RgbImage } from '../../src/pipeline/types.js';
import { referenceClassifier, type ReferenceClassifier } from '../fixtures/nsfwjs-reference.js';

/** Stripes, a gradient and a disc in odd proportions. */
function drawnPattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / width;
      data[i + 1] = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (height / 3) ** 2 ? 40 : 200;
      data[i + 2] = (y >> 3) % 2 ? 230 : 20;
    }
  }
  return { width, height, data };
}

let ours: SafetyClassifier;
let reference: ReferenceClassifier;
beforeAll(async () => {
  ours = await SafetyClassifier.open(DEFAULT_SAFETY_MODEL);
  reference = await referenceClassifier();
}, 60_000);
afterAll(() => ours?.release());

describe('the shipped safety classifier', () => {
  it('is exactly what the converter makes from the nsfwjs package, and names its classes', () => {
    expect(Buffer.from(readFileSync(join(SAFETY_DIR, SAFETY_FILE))).equals(Buffer.from(convertSafetyModel()))).toBe(true);
    expect(readOnnxMetadata(DEFAULT_SAFETY_MODEL).properties).toMatchObject({ 'imagine.classifier.classes': SAFETY_CLASSES.join(','), license: 'MIT' });
    expect(readFileSync(join(SAFETY_DIR, 'LICENSE'), 'utf8')).toMatch(/MIT License[\s\S]*Infinite Red/);
  });

  it('scores harmless pictures as nsfwjs does, every class within 0.01', async () => {
    const pictures: [string, RgbImage][] = [
      ['noto red heart 100×100', await notoEmoji('red-heart', 100)],
      ['noto rocket 300×300', await notoEmoji('rocket', 300)],
      ['flower photo 128×128', await samplePhoto()],
      ['drawn pattern 150×90', drawnPattern(150, 90)],
      ['drawn pattern 224×224', drawnPattern(224, 224)],
      ['the shipped model\'s prompts sheet', await decodeToRgb(readFileSync(join(PROJECT_ROOT, 'docs', 'images', 'emoji-styles.png')))],
    ];
    for (const [name, picture] of pictures) {
      const [a, b] = [await ours.classify(picture), await reference.classify(picture)];
      expect(Object.keys(a), name).toEqual([...SAFETY_CLASSES]);
      for (const c of SAFETY_CLASSES) expect(Math.abs(a[c]! - b[c]!), `${name}: ${c} ${a[c]} vs ${b[c]}`).toBeLessThanOrEqual(0.01);
      // And none of them is near the unsafe classes.
      expect(a.Neutral! + a.Drawing!, name).toBeGreaterThan(0.9);
    }
  }, 120_000);
});

describe('in the pipeline', () => {
  it('is the default, can be turned off, and one that does not load stops the model loading', async () => {
    expect(loadConfig({}).SAFETY_MODEL).toBe(DEFAULT_SAFETY_MODEL);
    expect(loadConfig({ SAFETY_MODEL: 'off' }).SAFETY_MODEL).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'safety-'));
    try {
      const broken = join(dir, 'broken.onnx');
      writeFileSync(broken, 'not a model');
      const model = writeTinyModel(join(dir, 'tiny'), { generation: 'optimum-2023', family: 'sd1' });
      await expect(loadPipeline(model, { inProcess: true, safetyModel: broken })).rejects.toThrow(/image safety classifier .*broken\.onnx did not load.*SAFETY_MODEL/);
      const pipeline = await loadPipeline(model, { inProcess: true, safetyModel: DEFAULT_SAFETY_MODEL });
      const image = (await pipeline.generate({ prompt: 'x', seed: 1, steps: 2, width: 64, height: 64 })).images[0]!;
      expect(await pipeline.classify(image)).toEqual(await ours.classify(image));
      await pipeline.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("diffusers' safety checker in a model folder", () => {
  it('runs beside the classifier, and a picture it flags counts as unsafe whatever the classifier says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checker-'));
    try {
      const model = writeTinyModel(join(dir, 'tiny'), { generation: 'optimum-2023', family: 'sd1' });
      // A checker with the I/O of diffusers' exported StableDiffusionSafetyChecker that flags very red pictures.
      const g = new GraphBuilder('safety_checker');
      const clip = g.input('clip_input', 'float32', [1, 3, 224, 224]);
      const images = g.input('images', 'float32', [1, 'height', 'width', 3]);
      const red = g.op('Slice', [clip, g.int64([0]), g.int64([1]), g.int64([1])]);
      const flagged = g.op('Greater', [g.op('ReduceMean', [red], { keepdims: 0 }), g.constant(1)]);
      g.output(images, 'out_images', 'float32', [1, 'height', 'width', 3]);
      g.output(g.op('Reshape', [flagged, g.int64([1])]), 'has_nsfw_concepts', 'bool', [1]);
      g.save(join(model, 'safety_checker', 'model.onnx'));
      expect(readModelFolder(model).components.safetyChecker?.file).toBe(join(model, 'safety_checker', 'model.onnx'));

      const solid = (r: number, g2: number, b: number): RgbImage => ({ width: 40, height: 30, data: Uint8Array.from({ length: 40 * 30 * 3 }, (_, i) => [r, g2, b][i % 3]!) });
      const pipeline = await loadPipeline(model, { inProcess: true, safetyModel: DEFAULT_SAFETY_MODEL });
      const red2 = await pipeline.classify(solid(250, 10, 10));
      const blue = await pipeline.classify(solid(10, 10, 250));
      await pipeline.release();
      expect(red2).toMatchObject({ safety_checker: 1 });
      expect(blue).toMatchObject({ safety_checker: 0 });
      expect(safetyVerdict(red2!)).toBe('block');
      expect(safetyVerdict(blue!)).toBe('pass');
      // Without the classifier (SAFETY_MODEL=off) nothing is checked, the model's checker included.
      const unchecked = await loadPipeline(model, { inProcess: true });
      expect(await unchecked.classify(solid(250, 10, 10))).toBeUndefined();
      await unchecked.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run safety', () => {
  const run = promisify(execFile);
  const safety = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/safety.ts', ...args], { cwd: process.cwd(), env: { ...process.env, SAFETY_MODEL: '' } });

  it('prints the scores as JSON with the verdict under the default policy', async () => {
    const photo = join(PROJECT_ROOT, 'docs', 'images', 'emoji-styles.png');
    const { stdout } = await safety(photo);
    const out = JSON.parse(stdout) as Record<string, number | string>;
    expect(Object.keys(out)).toEqual([...SAFETY_CLASSES, 'unsafe', 'verdict']);
    expect(out.verdict).toBe('pass');
    const direct = await ours.classify(await decodeToRgb(readFileSync(photo)));
    for (const c of SAFETY_CLASSES) expect(out[c]).toBeCloseTo(direct[c]!, 3);
  });

  it('explains a missing picture with exit code 1', async () => {
    const e = await safety(join(PROJECT_ROOT, 'none.png')).then(() => ({ code: 0, stderr: '' }), (x: { code: number; stderr: string }) => x);
    expect(e).toMatchObject({ code: 1, stderr: expect.stringMatching(/safety: .*none\.png does not exist/) });
  });
});
