/**
 * `npx tsx scripts/upscalers/readme-images.ts`: the before/after picture of README's upscaling
 * section. Top: U1 on the shipped model's "cat face" (seed 3) as it was (Lanczos) and as it is
 * (the trained ×2 model) beside the image itself, shown at 256×256 (nearest-neighbour) so the pixels can be compared.
 * Bottom: the middle of UpscalerJS's 128×128 sample photo enlarged 4×, both ways, beside the
 * same part of the photo itself.
 */
import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { DEFAULT_MODEL_DIR, DEFAULT_UPSCALERS_DIR, PROJECT_ROOT, upscalerFilesIn } from '../../src/config.js';
import { loadPipeline } from '../../src/pipeline/pipeline.js';
import type { RgbImage } from '../../src/pipeline/types.js';
import { lanczosResize, Upscaler } from '../../src/pipeline/upscale.js';
import { samplePhoto } from './pictures.js';

const CELL = 256;
const GAP = 8;
const HEAD = 30;

const raw = (img: RgbImage) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

async function cell(img: RgbImage): Promise<Buffer> {
  return raw(img).resize(CELL, CELL, { kernel: 'nearest' }).png().toBuffer();
}

const pipeline = await loadPipeline(DEFAULT_MODEL_DIR, { inProcess: true });
const upscaler = await Upscaler.open(upscalerFilesIn(DEFAULT_UPSCALERS_DIR));
const cat = (await pipeline.generate({ prompt: 'cat face', seed: 3, batch: 1 })).images[0]!;
const photo = await samplePhoto();
/** The picture `factor` times larger, each pixel a square. */
const nearest = async (img: RgbImage, factor: number): Promise<RgbImage> => {
  const data = await raw(img).resize(img.width * factor, img.height * factor, { kernel: 'nearest' }).raw().toBuffer();
  return { width: img.width * factor, height: img.height * factor, data: new Uint8Array(data) };
};
/** The middle 256×256 of a picture. */
const middle = async (img: RgbImage): Promise<RgbImage> => {
  const { data } = await raw(img).extract({ left: (img.width - 256) / 2, top: (img.height - 256) / 2, width: 256, height: 256 }).raw().toBuffer({ resolveWithObject: true });
  return { width: 256, height: 256, data: new Uint8Array(data) };
};
const rows: { headers: string[]; images: RgbImage[] }[] = [
  { headers: ['U1 before: Lanczos', 'U1 now: trained ×2', 'the 64 px image'], images: [await lanczosResize(cat, 128, 128), await upscaler.upscale(cat, 2), cat] },
  {
    headers: ['photo ×4, Lanczos', 'photo ×4, trained ×4', 'the 128 px photo'],
    images: [await middle(await lanczosResize(photo, 512, 512)), await middle(await upscaler.upscale(photo, 4)), await middle(await nearest(photo, 4))],
  },
];
const width = 3 * CELL + 2 * GAP;
const height = rows.length * (HEAD + CELL + GAP);
const layers: OverlayOptions[] = [];
const texts: string[] = [];
for (const [r, row] of rows.entries()) {
  const top = r * (HEAD + CELL + GAP);
  for (const [c, img] of row.images.entries()) layers.push({ input: await cell(img), left: c * (CELL + GAP), top: top + HEAD });
  for (const [c, h] of row.headers.entries()) texts.push(`<text x="${c * (CELL + GAP) + CELL / 2}" y="${top + 21}" text-anchor="middle">${h}</text>`);
}
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><style>text{font-family:sans-serif;font-size:16px}</style>${texts.join('')}</svg>`;
const file = join(PROJECT_ROOT, 'docs', 'images', 'upscale-before-after.png');
await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
  .composite([...layers, { input: Buffer.from(svg), left: 0, top: 0 }])
  .png({ compressionLevel: 9, palette: false })
  .toFile(file);
await upscaler.release();
await pipeline.release();
console.log(file);
