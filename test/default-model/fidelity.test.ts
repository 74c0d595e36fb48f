/**
 * The shipped model through the real pipeline (worker thread, onnxruntime-node, the configured
 * DDIM scheduler): the picture on screen must follow the prompt, the seed, the guidance, the
 * negative prompt and the img2img strength the way a user expects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline, type Pipeline } from '../../src/pipeline/pipeline.js';
import type { GenerationRequest, RgbImage } from '../../src/pipeline/types.js';
import { COLOUR_NAMES } from '../../scripts/emoji-model/colours.js';
import { colourShare, distinctColours, drawnShare, mean, MODEL_DIR, mse, nearestStyle, referenceDrawings } from './helpers.js';

let pipeline: Pipeline;
beforeAll(async () => {
  pipeline = await loadPipeline(MODEL_DIR);
});
afterAll(async () => {
  await pipeline?.release();
});

async function images(request: GenerationRequest): Promise<RgbImage[]> {
  return (await pipeline.generate({ batch: 8, ...request })).images;
}

const same = (a: RgbImage, b: RgbImage) => Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;
const distinct = (list: RgbImage[]) => new Set(list.map((i) => Buffer.from(i.data).toString('base64'))).size;

describe('the default model follows the prompt', () => {
  it('loads with the defaults its imagine.json declares', () => {
    expect(pipeline.info.name).toBe('emoji-diffusion');
    expect(pipeline.info.defaults).toMatchObject({ width: 64, height: 64, steps: 20, scheduler: 'ddim' });
    expect(pipeline.info.limits).toMatchObject({ minSize: 64, maxSize: 112, maxPixels: 7168 });
    expect(pipeline.info.canImg2Img).toBe(true);
  });

  it('"red heart" is a red drawing for every seed, never "woman: red hair"', async () => {
    const hearts = [...(await images({ prompt: 'red heart', seed: 1 })), ...(await images({ prompt: 'red heart', seed: 101 }))];
    for (const img of hearts) {
      expect(img.width).toBe(64);
      expect(colourShare(img, 'red')).toBeGreaterThan(0.6);
      // The red-haired woman is mostly skin and shirt; a heart has no yellow at all.
      expect(colourShare(img, 'yellow') + colourShare(img, 'orange')).toBeLessThan(0.1);
    }
  });

  it.each([
    ['green apple', 'green'],
    ['blue heart', 'blue'],
    ['purple heart', 'purple'],
    ['yellow flower', 'yellow'],
    ['black cat', 'black'],
  ] as const)('"%s" is mostly %s', async (prompt, colour) => {
    const list = await images({ prompt, seed: 7 });
    // The colour the prompt names is the commonest one in the drawing (a sunflower has a brown heart and a green stem).
    const dominant = list.filter((img) => COLOUR_NAMES.every((other) => other === colour || colourShare(img, other) <= colourShare(img, colour)));
    expect(dominant.length).toBeGreaterThanOrEqual(7);
    expect(mean(list.map((img) => colourShare(img, colour)))).toBeGreaterThan(0.35);
  });

  it('gives clean flat drawings, not grain: few colours, a white margin', async () => {
    for (const img of await images({ prompt: 'smiling face with sunglasses', seed: 3 })) {
      expect(distinctColours(img)).toBeLessThanOrEqual(40);
      for (const corner of [0, 63, 64 * 63, 64 * 64 - 1]) expect(Math.min(...img.data.subarray(corner * 3, corner * 3 + 3))).toBeGreaterThan(240);
      expect(colourShare(img, 'yellow') + colourShare(img, 'orange')).toBeGreaterThan(0.4);
    }
  });

  it('an empty prompt gives some emoji, a different one for each seed', async () => {
    const list = await images({ prompt: '', seed: 42 });
    expect(distinct(list)).toBe(8);
    for (const img of list) {
      expect(distinctColours(img)).toBeLessThanOrEqual(40);
      expect(drawnShare(img)).toBeGreaterThan(0.1);
    }
  });

  it('the same seed gives the same image; other seeds give other matching emoji', async () => {
    const a = await images({ prompt: 'cat', seed: 5 });
    const b = await images({ prompt: 'cat', seed: 5 });
    a.forEach((img, i) => expect(same(img, b[i]!)).toBe(true));
    // Image i of a batch is seed + i: asking for seed 7 alone gives image 2 again.
    const alone = (await pipeline.generate({ prompt: 'cat', seed: 7, batch: 1 })).images[0]!;
    expect(same(alone, a[2]!)).toBe(true);
    expect(distinct(a)).toBeGreaterThanOrEqual(3);
  });

  it('a style word picks the emoji set the drawing comes from', async () => {
    const refs = await referenceDrawings('cat face');
    for (const style of ['noto', 'twemoji', 'fluent'] as const) {
      for (const img of await images({ prompt: `cat face ${style}`, seed: 11, batch: 4 })) {
        const nearest = nearestStyle(img, refs);
        expect(nearest.style).toBe(style);
        expect(nearest.distance).toBeLessThan(150);
      }
    }
  });
});

describe('other shapes', () => {
  /** Whether column (or row) `i` of the picture is all white. */
  const whiteColumn = (img: RgbImage, x: number) => Array.from({ length: img.height }, (_, y) => img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)).every((p) => Math.min(...p) > 245);
  const whiteRow = (img: RgbImage, y: number) => Array.from({ length: img.width }, (_, x) => img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)).every((p) => Math.min(...p) > 245);

  it('a wide or tall picture is the emoji in the middle with white margins', async () => {
    for (const img of await images({ prompt: 'red heart', seed: 4, batch: 2, width: 88, height: 64 })) {
      expect([img.width, img.height]).toEqual([88, 64]);
      for (const x of [0, 5, 11, 76, 82, 87]) expect(whiteColumn(img, x)).toBe(true);
      expect(colourShare(img, 'red')).toBeGreaterThan(0.6);
    }
    for (const img of await images({ prompt: 'green apple', seed: 4, batch: 2, width: 64, height: 112 })) {
      expect([img.width, img.height]).toEqual([64, 112]);
      for (const y of [0, 10, 23, 88, 100, 111]) expect(whiteRow(img, y)).toBe(true);
      expect(colourShare(img, 'green')).toBeGreaterThan(0.5);
    }
  });

  it('img2img keeps a wide picture at low strength', async () => {
    const wide = (await pipeline.generate({ prompt: 'frog', seed: 2, batch: 1, width: 88, height: 64 })).images[0]!;
    for (const img of await images({ prompt: 'frog', seed: 9, batch: 4, initImage: wide, strength: 0.3 })) {
      expect([img.width, img.height]).toEqual([88, 64]);
      expect(mse(img, wide)).toBeLessThan(30);
    }
  });

  it('refuses sizes it cannot make, saying why', async () => {
    await expect(pipeline.generate({ prompt: 'frog', width: 128, height: 128 })).rejects.toThrow(/112/);
    await expect(pipeline.generate({ prompt: 'frog', width: 48, height: 64 })).rejects.toThrow(/64/);
  });
});

describe('guidance, negative prompt and img2img behave as users expect', () => {
  it('more guidance follows a colour prompt more closely; 0 and 1 both mean no guidance', async () => {
    const blueAt = async (guidance: number) => mean((await images({ prompt: 'blue', seed: 100, guidance })).map((i) => colourShare(i, 'blue')));
    const off = await blueAt(1);
    const strong = await blueAt(7);
    expect(strong).toBeGreaterThan(off + 0.05);
    const zero = await images({ prompt: 'blue', seed: 100, guidance: 0 });
    const one = await images({ prompt: 'blue', seed: 100, guidance: 1 });
    zero.forEach((img, i) => expect(same(img, one[i]!)).toBe(true));
  });

  it('a negative prompt steers away from what it names', async () => {
    const hearts = async (negativePrompt: string) =>
      [...(await images({ prompt: 'heart', negativePrompt, seed: 20 })), ...(await images({ prompt: 'heart', negativePrompt, seed: 28 }))].map((i) => colourShare(i, 'red'));
    const plain = await hearts('');
    const notRed = await hearts('red');
    const redPictures = (shares: number[]) => shares.filter((s) => s > 0.5).length;
    expect(redPictures(plain)).toBeGreaterThanOrEqual(4);
    expect(redPictures(notRed)).toBeLessThanOrEqual(redPictures(plain) / 3);
    expect(mean(notRed)).toBeLessThan(mean(plain) / 3);
  });

  it('img2img at strength 0.3 keeps the picture; at 0.9 it follows the prompt instead', async () => {
    const heart = (await pipeline.generate({ prompt: 'red heart', seed: 3, batch: 1 })).images[0]!;
    const subtle = await images({ prompt: 'red heart', seed: 50, initImage: heart, strength: 0.3 });
    for (const img of subtle) expect(mse(img, heart)).toBeLessThan(30);
    const wandering = await images({ prompt: 'red heart', seed: 50, initImage: heart, strength: 0.9 });
    expect(wandering.filter((img) => mse(img, heart) > 200).length).toBeGreaterThanOrEqual(2);
    const apples = await images({ prompt: 'green apple', seed: 50, initImage: heart, strength: 0.9 });
    for (const img of apples) expect(colourShare(img, 'green')).toBeGreaterThan(0.5);
  });

  it('img2img of a picture unlike any emoji stays close to it at low strength', async () => {
    // A diagonal gradient: no emoji looks like it, so the model must not swap in one.
    const data = new Uint8Array(64 * 64 * 3);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) data.set([x * 4, y * 4, 160], (y * 64 + x) * 3);
    const gradient: RgbImage = { width: 64, height: 64, data };
    const close = await images({ prompt: '', seed: 9, batch: 4, initImage: gradient, strength: 0.3 });
    for (const img of close) expect(mse(img, gradient)).toBeLessThan(1500);
    const far = await images({ prompt: 'frog', seed: 9, batch: 4, initImage: gradient, strength: 0.95 });
    for (const img of far) {
      expect(mse(img, gradient)).toBeGreaterThan(3000);
      expect(colourShare(img, 'green')).toBeGreaterThan(0.3);
    }
  });
});
