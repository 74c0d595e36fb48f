/**
 * `npx tsx scripts/emoji-model/readme-images.ts`: renders the pictures of docs/images/ from the
 * shipped model through loadPipeline, each 64×64 result enlarged 2× with Lanczos as the bot does.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { DEFAULT_MODEL_DIR, PROJECT_ROOT } from '../../src/config.js';
import { loadPipeline, type Pipeline } from '../../src/pipeline/pipeline.js';
import type { GenerationRequest, RgbImage } from '../../src/pipeline/types.js';

const CELL = 128;
const LABEL = 300;
const GAP = 6;

interface Row {
  label: string;
  images: RgbImage[];
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function sheet(rows: Row[], file: string, header?: string[]): Promise<void> {
  const cols = Math.max(...rows.map((r) => r.images.length));
  const top = header ? 34 : 0;
  const width = LABEL + cols * (CELL + GAP);
  const height = top + rows.length * (CELL + GAP);
  const layers: OverlayOptions[] = [];
  const texts: string[] = [];
  if (header) header.forEach((h, c) => texts.push(`<text x="${LABEL + c * (CELL + GAP) + CELL / 2}" y="24" text-anchor="middle">${escapeXml(h)}</text>`));
  for (const [r, row] of rows.entries()) {
    const y = top + r * (CELL + GAP);
    const lines = row.label.split('\n');
    lines.forEach((line, i) => texts.push(`<text x="12" y="${y + CELL / 2 + 8 + (i - (lines.length - 1) / 2) * 26}">${escapeXml(line)}</text>`));
    for (const [c, img] of row.images.entries()) {
      const big = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).resize(CELL, CELL, { kernel: 'lanczos3' }).png().toBuffer();
      layers.push({ input: big, left: LABEL + c * (CELL + GAP), top: y });
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><style>text { font: 20px 'DejaVu Sans', sans-serif; fill: #333; }</style>${texts.join('')}</svg>`;
  layers.unshift({ input: Buffer.from(svg), left: 0, top: 0 });
  await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(layers).png({ compressionLevel: 9 }).toFile(file);
  console.log(`wrote ${file}`);
}

async function row(p: Pipeline, label: string, request: GenerationRequest): Promise<Row> {
  return { label, images: (await p.generate({ batch: 4, ...request })).images };
}

const dir = join(PROJECT_ROOT, 'docs', 'images');
mkdirSync(dir, { recursive: true });
const p = await loadPipeline(DEFAULT_MODEL_DIR);
try {
  await sheet(
    [
      await row(p, 'red heart', { prompt: 'red heart', seed: 1 }),
      await row(p, 'green apple', { prompt: 'green apple', seed: 1 }),
      await row(p, 'smiling face\nwith sunglasses', { prompt: 'smiling face with sunglasses', seed: 1 }),
      await row(p, 'frog', { prompt: 'frog', seed: 5 }),
      await row(p, 'yellow flower', { prompt: 'yellow flower', seed: 1 }),
      await row(p, 'rocket', { prompt: 'rocket', seed: 1 }),
      await row(p, '(empty prompt)', { prompt: '', seed: 8 }),
    ],
    join(dir, 'emoji-prompts.png'),
    ['seed n', 'n + 1', 'n + 2', 'n + 3'],
  );
  await sheet(
    [
      await row(p, 'cat face noto', { prompt: 'cat face noto', seed: 3 }),
      await row(p, 'cat face twemoji', { prompt: 'cat face twemoji', seed: 3 }),
      await row(p, 'cat face fluent', { prompt: 'cat face fluent', seed: 3 }),
    ],
    join(dir, 'emoji-styles.png'),
  );
  await sheet(
    [
      await row(p, 'heart', { prompt: 'heart', seed: 28, batch: 6, guidance: 5 }),
      await row(p, 'heart\nnegative: red', { prompt: 'heart', negativePrompt: 'red', seed: 28, batch: 6, guidance: 5 }),
    ],
    join(dir, 'emoji-negative.png'),
  );
  const heart = (await p.generate({ prompt: 'red heart', seed: 3, batch: 1 })).images[0]!;
  const strengths = [0.3, 0.6, 0.8, 0.95];
  const variations = async (prompt: string) => Promise.all(strengths.map(async (strength) => (await p.generate({ prompt, seed: 12, batch: 1, initImage: heart, strength })).images[0]!));
  await sheet(
    [
      { label: 'start picture', images: [heart] },
      { label: 'img2img\n"heart"', images: await variations('heart') },
      { label: 'img2img\n"green apple"', images: await variations('green apple') },
    ],
    join(dir, 'emoji-img2img.png'),
    strengths.map((s) => `strength ${s}`),
  );
} finally {
  await p.release();
}
