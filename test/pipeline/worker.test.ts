/**
 * loadPipeline in its default form: the sessions live in a worker thread. Progress, cancellation,
 * failures inside onnxruntime, upscaling and the main event loop staying free.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../scripts/onnx-writer/graph.js';
import { UserError } from '../../src/core/errors.js';
import { ModelLoadError } from '../../src/pipeline/errors.js';
import { loadPipeline, type Pipeline } from '../../src/pipeline/pipeline.js';
import type { ThreadedPipeline } from '../../src/pipeline/threaded.js';
import { GenerationCancelledError, type GenerationRequest, type GenerationResult, type RgbImage } from '../../src/pipeline/types.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';

const root = mkdtempSync(join(tmpdir(), 'pipeline-worker-'));
let fragile: Pipeline;
let slow: Pipeline;
let upscalerFile: string;

beforeAll(async () => {
  // Declares dynamic sizes but only works at 64×64, so bigger requests throw inside onnxruntime.
  const fragileDir = writeTinyModel(join(root, 'fragile'), { generation: 'optimum-2023', family: 'sd1', failsAboveLatent8: true });
  // A UNet doing real work each call, so steps take a noticeable time.
  const slowDir = writeTinyModel(join(root, 'slow'), { generation: 'optimum-2023', family: 'sd1', unetWork: { size: 512, matmuls: 6 } });
  // An ESRGAN-style 4× upscaler: nearest-neighbour, then a colour swap so its work is visible.
  const g = new GraphBuilder('upscaler');
  const x = g.input('input', 'float32', [1, 3, 'h', 'w']);
  const up = g.op('Resize', [x, '', g.constant([1, 1, 4, 4])], { mode: 'nearest' });
  g.output(g.op('Sub', [g.constant(1), up]), 'output', 'float32', [1, 3, 'H', 'W']);
  upscalerFile = join(root, 'upscaler.onnx');
  g.save(upscalerFile);
  [fragile, slow] = await Promise.all([loadPipeline(fragileDir), loadPipeline(slowDir, { upscalers: [upscalerFile], threads: 1 })]);
}, 120_000);

afterAll(async () => {
  await Promise.all([fragile?.release(), slow?.release()]);
  rmSync(root, { recursive: true, force: true });
});

const base: GenerationRequest = { prompt: 'a lighthouse at dusk', seed: 3, steps: 4, width: 64, height: 64, scheduler: 'euler' };

describe('worker pipeline', () => {
  it('reports the model and device, makes images and sends progress after every step', async () => {
    expect(fragile.device).toBe('cpu');
    expect(fragile.info.family).toBe('sd1');
    const steps: number[] = [];
    const r = await fragile.generate({ ...base, onStep: (s) => steps.push(s) });
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(r.images[0]!.width).toBe(64);
    const again = await fragile.generate(base);
    expect(again.images[0]!.data).toEqual(r.images[0]!.data);
  });

  it('a failure inside onnxruntime fails that job with a clear error and the worker keeps working', async () => {
    const err = await fragile.generate({ ...base, width: 128, height: 128 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/the unet model failed in onnxruntime/);
    const ok = await fragile.generate(base);
    expect(ok.images).toHaveLength(1);
  });

  it('refusals cross the thread as UserError and load failures as ModelLoadError', async () => {
    await expect(fragile.generate({ ...base, steps: 1000 })).rejects.toBeInstanceOf(UserError);
    const err = await loadPipeline(join(root, 'nothing-here')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(/does not exist/);
  });

  it('cancels between steps when the signal aborts', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const err = await slow
      .generate({
        ...base,
        steps: 30,
        signal: controller.signal,
        onStep: (s) => {
          steps.push(s);
          if (s === 2) controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenerationCancelledError);
    expect(steps.length).toBeLessThan(30);
    // The next job runs normally.
    expect((await slow.generate({ ...base, steps: 2 })).images).toHaveLength(1);
  });

  it('keeps the main event loop free while images are made', async () => {
    // This thread's loop runs while the inference thread is inside session.run: a loop blocked by
    // the run (as in-process inference would block it) could never see the thread busy.
    expect((slow as ThreadedPipeline).busy).toBe(false);
    let sawBusy = false;
    let polling = true;
    const poll = () => {
      if ((slow as ThreadedPipeline).busy) sawBusy = true;
      if (polling && !sawBusy) setImmediate(poll);
    };
    setImmediate(poll);
    await slow.generate({ ...base, steps: 12 });
    polling = false;
    expect(sawBusy).toBe(true);
    expect((slow as ThreadedPipeline).busy).toBe(false);
  });

  it('upscales with the configured ONNX upscaler, resizing when its own scale differs', async () => {
    const image: RgbImage = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(255) };
    image.data[0] = 0;
    const four = await slow.upscale(image, 4);
    expect([four.image.width, four.image.height]).toEqual([32, 32]);
    // 1 − x swaps white to black: the model did the work, not Lanczos.
    expect(four.image.data[3 * (31 * 32 + 31)]).toBe(0);
    expect(four.image.data[0]).toBe(255);
    const two = await slow.upscale(image, 2);
    expect([two.image.width, two.image.height]).toEqual([16, 16]);
  });

  it('upscales with Lanczos when no upscaler is configured; the hires-fix pass repaints at the new size', async () => {
    const source = (await slow.generate(base)).images[0]!;
    const refine = { prompt: base.prompt, seed: 1, steps: 4, strength: 0.3, scheduler: 'euler' as const };
    const plain = await fragile.upscale(source, 2);
    expect([plain.image.width, plain.image.height]).toEqual([128, 128]);
    // The fragile model cannot work at 128×128: the detail pass is skipped with a warning, the upscale still arrives.
    const skipped = await fragile.upscale(source, 2, { refine });
    expect(skipped.image.data).toEqual(plain.image.data);
    expect(skipped.warnings[0]).toMatch(/detail pass skipped/);
    // A model that works at 128×128 repaints the upscale.
    const upscaled = await slow.upscale(source, 2);
    const repainted = await slow.upscale(source, 2, { refine });
    expect(repainted.warnings).toEqual([]);
    expect([repainted.image.width, repainted.image.height]).toEqual([128, 128]);
    expect(repainted.image.data).not.toEqual(upscaled.image.data);
  });

  it('restarts after release', async () => {
    const dir = writeTinyModel(join(root, 'restart'), { generation: 'optimum-2025', family: 'lcm' });
    const p = await loadPipeline(dir);
    const a = await p.generate(base);
    await p.release();
    const b = await p.generate(base);
    expect(b.images[0]!.data).toEqual(a.images[0]!.data);
    await p.release();
  });
});

describe('releasing a pipeline while it works', () => {
  it('stops the job at its next step and frees the sessions only after it, with the process intact', async () => {
    const dir = writeTinyModel(join(root, 'released'), { generation: 'optimum-2023', family: 'sd1', unetWork: { size: 512, matmuls: 6 } });
    const pipeline = await loadPipeline(dir, { threads: 1 });
    let steps = 0;
    const running = pipeline.generate({ ...base, steps: 150, onStep: () => void steps++ });
    const outcome = running.then(
      () => 'finished',
      (err: Error) => err.name,
    );
    while (steps < 2) await new Promise((r) => setTimeout(r, 10));
    await pipeline.release();
    // The job ends (cancelled, or refused as released), long before its 150 steps.
    expect(['GenerationCancelledError', 'Error']).toContain(await outcome);
    expect(steps).toBeLessThan(150);
    // This process still makes images.
    expect((await slow.generate({ ...base, steps: 2 })).images).toHaveLength(1);
  }, 60_000);
});

describe('inpainting with a mask', () => {
  it('repaints only the masked part: outside it two seeds agree, inside they differ', async () => {
    const start: RgbImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).map((_, i) => (i % 3 === 2 ? 200 : 60)) };
    const mask = { width: 64, height: 64, data: new Uint8Array(64 * 64).map((_, i) => (i % 64 >= 32 ? 255 : 0)) };
    const make = (seed: number) => slow.generate({ ...base, seed, steps: 4, initImage: start, strength: 0.9, mask });
    const [a, b] = [await make(1), await make(2)];
    const diff = (x0: number, x1: number) => {
      let d = 0;
      let n = 0;
      for (let y = 0; y < 64; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) {
        d += Math.abs(a.images[0]!.data[(y * 64 + x) * 3 + c]! - b.images[0]!.data[(y * 64 + x) * 3 + c]!);
        n++;
      }
      return d / n;
    };
    // Kept: the left quarter, away from the softened edge; repainted: the right half.
    expect(diff(0, 16)).toBeLessThan(0.5);
    expect(diff(40, 64)).toBeGreaterThan(1);
  }, 60_000);
});

describe('several requests at once in the inference thread (generateMany)', () => {
  it('each gets its own progress and the pictures it gets alone; one cancelled by its signal stops alone', async () => {
    const steps: Record<string, number[]> = { a: [], b: [], c: [] };
    const stop = new AbortController();
    const requests: GenerationRequest[] = [
      { ...base, prompt: 'a red heart', seed: 5, onStep: (s) => steps.a!.push(s) },
      { ...base, prompt: 'a blue whale', seed: 9, guidance: 3, onStep: (s) => (steps.b!.push(s), s === 1 && stop.abort()), signal: stop.signal },
      { ...base, prompt: 'a green apple', seed: 2, negativePrompt: 'blurry', onStep: (s) => steps.c!.push(s) },
    ];
    const results = await slow.generateMany(requests);
    expect(results[1]).toBeInstanceOf(GenerationCancelledError);
    expect(steps.a).toEqual([1, 2, 3, 4]);
    expect(steps.c).toEqual([1, 2, 3, 4]);
    expect(steps.b!.length).toBeLessThan(4);
    for (const i of [0, 2]) {
      const alone = await slow.generate({ ...requests[i]!, onStep: undefined });
      expect((results[i] as GenerationResult).images[0]!.data).toEqual(alone.images[0]!.data);
    }
  });
});
