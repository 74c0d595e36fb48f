import sharp from 'sharp';
import { pngHeader } from '../fixtures/pictures.js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { decodeSourceImage } from '../../src/images/source-image.js';

const LIMITS = { maxPixels: 4096 * 4096 };


const message = (p: Promise<unknown>) => p.then(() => 'no error', (e: unknown) => (e instanceof UserError ? e.message : `not a UserError: ${String(e)}`));

describe('a picture given as the start of a job', () => {
  it('is read upright, flattened onto white, first frame only', async () => {
    // Rotated by its EXIF orientation: a 4×2 picture stored as 2×4 with orientation 6.
    const stored = await sharp({ create: { width: 2, height: 4, channels: 3, background: '#00ff00' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await decodeSourceImage(stored, LIMITS)).toMatchObject({ width: 4, height: 2 });

    const transparent = await sharp({ create: { width: 2, height: 2, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    expect([...(await decodeSourceImage(transparent, LIMITS)).data.subarray(0, 3)]).toEqual([255, 255, 255]);

    const w = 8;
    const frames = Buffer.alloc(w * w * 2 * 3);
    for (let i = 0; i < w * w; i++) frames[i * 3 + 2] = 255;
    for (let i = w * w; i < 2 * w * w; i++) frames[i * 3] = 255;
    const gif = await sharp(frames, { raw: { width: w, height: 2 * w, channels: 3, pageHeight: w } }).gif().toBuffer();
    const first = await decodeSourceImage(gif, LIMITS);
    expect([first.width, first.height]).toEqual([8, 8]);
    expect([...first.data.subarray(0, 3)]).toEqual([0, 0, 255]);
  });

  it('refuses what is not a picture, and a picture past the pixel limit before decoding it', async () => {
    expect(await message(decodeSourceImage(Buffer.from('just some text, named cat.png'), LIMITS))).toBe('That file is not a picture this bot can read; use a PNG, JPEG, WebP or GIF.');
    expect(await message(decodeSourceImage(pngHeader(20000, 20000), LIMITS))).toBe('That picture is 20000×20000 pixels; this bot reads pictures of up to 17 megapixels.');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expect(await message(decodeSourceImage(svg, LIMITS))).toBe('That file is a SVG file; use a PNG, JPEG, WebP or GIF.');
  });
});
