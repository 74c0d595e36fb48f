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
