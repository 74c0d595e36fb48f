/**
 * Cross-job batching (generateMany): jobs per second with batching off (each job its own UNet
 * calls) and on (PIPELINE_MAX_BATCH jobs share every call) at 1, 4 and 16 jobs waiting, on a
 * generated SD 1.x export whose UNet costs mostly a fixed amount per call, as on a GPU (a heavy
 * constant part, a light part per sample). Then the UNet calls per image on the shipped model
 * under a burst of 20 grids, alone and batched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../src/config.js';
import { DiffusionPipeline } from '../src/pipeline/diffusion.js';
import type { GenerationRequest } from '../src/pipeline/types.js';
import { writeTinyModel } from '../test/fixtures/tiny-models.js';

/** The default of PIPELINE_MAX_BATCH. */
const MAX_BATCH = 4;

function jobs(n: number, base: GenerationRequest): GenerationRequest[] {
  return Array.from({ length: n }, (_, i) => ({ ...base, prompt: `${base.prompt} ${i}`, seed: 1000 + 4 * i, guidance: 5 + (i % 4) }));
}

/** Runs the waiting jobs as the worker does: alone, or in batches of `batch` from the head of the queue. */
async function drain(p: DiffusionPipeline, waiting: GenerationRequest[], batch: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < waiting.length; i += batch) {
    const chunk = waiting.slice(i, i + batch);
    if (chunk.length === 1) await p.generate(chunk[0]!);
    else for (const r of await p.generateMany(chunk)) if (r instanceof Error) throw r;
  }
  return performance.now() - t0;
}

function countUnetCalls(p: DiffusionPipeline): { calls: number } {
  const counter = { calls: 0 };
  const unet = p.model.unet;
  const run = unet.run.bind(unet);
  unet.run = (...args: Parameters<typeof unet.run>) => {
    counter.calls++;
    return run(...args);
  };
  return counter;
}

export default async function bench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-batching-'));
  try {
    // A constant ~tens of ms per UNet call whatever the batch (the work is seeded by the batch's mean), a tiny per-sample part.
    const dir = writeTinyModel(join(root, 'fixed-cost'), { generation: 'optimum-2025', family: 'sd1', unetWork: { size: 1024, matmuls: 12 } });
    const p = await DiffusionPipeline.load(dir, { threads: 2 });
    const base: GenerationRequest = { prompt: 'a red heart', steps: 4, batch: 4, width: 64, height: 64, guidance: 7, scheduler: 'euler' };
    await p.generate({ ...base, steps: 1 });
    for (const n of [1, 4, 16]) {
      const waiting = jobs(n, base);
      const off = await drain(p, waiting, 1);
      const on = await drain(p, waiting, MAX_BATCH);
      const on16 = n === 16 ? await drain(p, waiting, 16) : undefined;
      console.log(
        `${String(n).padStart(2)} jobs waiting (grids of 4, 4 steps, guidance on): ${((1000 * n) / off).toFixed(1)} jobs/s alone, ${((1000 * n) / on).toFixed(1)} jobs/s batched by ${MAX_BATCH} (×${(off / on).toFixed(2)})` +
          (on16 !== undefined ? `, ${((1000 * n) / on16).toFixed(1)} jobs/s batched by 16 (×${(off / on16).toFixed(2)})` : ''),
      );
    }
    await p.release();

    const shipped = await DiffusionPipeline.load(DEFAULT_MODEL_DIR, { threads: 2 });
    const counter = countUnetCalls(shipped);
    const burst = jobs(20, { prompt: 'red heart', batch: 4 });
    await drain(shipped, burst, 1);
    const alone = counter.calls;
    counter.calls = 0;
    const t0 = performance.now();
    await drain(shipped, burst, MAX_BATCH);
    const batchedMs = performance.now() - t0;
    const images = burst.length * 4;
    console.log(
      `shipped model, a burst of 20 grids (80 images): ${(alone / images).toFixed(3)} UNet calls per image alone, ${(counter.calls / images).toFixed(3)} batched by ${MAX_BATCH} (${counter.calls} calls, ${(batchedMs / 1000).toFixed(1)} s on this CPU)`,
    );
    await shipped.release();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
