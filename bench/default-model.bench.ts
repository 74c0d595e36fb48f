/**
 * The shipped emoji model through loadPipeline (worker thread, as the bot runs it): images per
 * second at 64×64, 20 steps, batch 4, with guidance 3 (two UNet rows per image) and without;
 * the time inside each ONNX stage; and the cold start (worker + sessions) before the first image.
 * Goal: ≥ 10 images/s on 2 cores.
 */
import { DEFAULT_MODEL_DIR } from '../src/config.js';
import { loadPipeline } from '../src/pipeline/pipeline.js';

const PROMPTS = ['red heart', 'green apple', 'smiling face with sunglasses', 'cat face twemoji', 'rocket', ''];

export default async function bench(): Promise<void> {
  const started = performance.now();
  const pipeline = await loadPipeline(DEFAULT_MODEL_DIR);
  try {
    await pipeline.generate({ prompt: 'warm up', seed: 0, batch: 4 });
    console.log(`cold start (worker, 4 sessions, first batch of 4): ${(performance.now() - started).toFixed(0)} ms`);
    for (const guidance of [3, 1]) {
      const runs = 24;
      const stages: Record<string, number> = {};
      let images = 0;
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) {
        const r = await pipeline.generate({ prompt: PROMPTS[i % PROMPTS.length]!, seed: 1000 + i, batch: 4, steps: 20, width: 64, height: 64, guidance });
        images += r.images.length;
        for (const [stage, t] of Object.entries(r.timings.stages)) stages[stage] = (stages[stage] ?? 0) + t.ms;
      }
      const seconds = (performance.now() - t0) / 1000;
      const perBatch = Object.entries(stages)
        .map(([stage, ms]) => `${stage} ${(ms / runs).toFixed(1)} ms`)
        .join(', ');
      console.log(`64×64, 20 steps, batch 4, guidance ${guidance}: ${(images / seconds).toFixed(1)} images/s (${((seconds * 1000) / runs).toFixed(0)} ms a batch; inside ONNX per batch: ${perBatch})`);
    }
  } finally {
    await pipeline.release();
  }
}
