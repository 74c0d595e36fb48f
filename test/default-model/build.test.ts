/**
 * `npm run build:model` on a small slice of the emoji (the full build takes about a minute):
 * the same packages give the same bytes, and the folder it writes is a working model.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/pipeline/pipeline.js';
import { buildEmojiModel } from '../../scripts/emoji-model/build.js';
import { distinctColours, mse, referenceDrawings } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'emoji-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

describe('build:model', () => {
  // The first 100 emoji are faces and people: enough drawings (≈290) for the 256-dimensional latent.
  const slice = 100;

  it('is deterministic and writes a model the pipeline runs', { timeout: 120_000 }, async () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    const report = await buildEmojiModel({ outDir: a, maxConcepts: slice });
    await buildEmojiModel({ outDir: b, maxConcepts: slice });
    expect(report.concepts).toBe(slice);
    expect(report.images).toBeGreaterThan(256);
    const ha = hashes(a);
    expect([...ha.keys()].sort()).toEqual([...hashes(b).keys()].sort());
    expect(Object.fromEntries(ha)).toEqual(Object.fromEntries(hashes(b)));
    expect(ha.has('unet/model.onnx') && ha.has('ATTRIBUTION.md') && ha.has('imagine.json')).toBe(true);

    const pipeline = await loadPipeline(a, { inProcess: true });
    try {
      const refs = await referenceDrawings('smiling face with sunglasses');
      const { images } = await pipeline.generate({ prompt: 'smiling face with sunglasses', seed: 1, batch: 3 });
      for (const img of images) {
        expect(distinctColours(img)).toBeLessThanOrEqual(40);
        expect(Math.min(...[...refs.values()].map((r) => mse(img, r)))).toBeLessThan(150);
      }
    } finally {
      await pipeline.release();
    }
  });
});
