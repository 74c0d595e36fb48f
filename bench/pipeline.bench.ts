/**
 * Pipeline overhead: time per stage and (wall − Σ session.run) / wall for one generation.
 * Goals: under 10% on a small model, under 2% on a model whose UNet takes ≥ 100 ms a step.
 * Also reports the fixed and per-step cost of the loop itself on toy graphs that do almost
 * nothing, and the shipped model (or MODEL_DIR) when it is built. Run with `npm run bench pipeline`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../src/config.js';
import { DiffusionPipeline, type StepControl } from '../src/pipeline/diffusion.js';
import { loadPipeline } from '../src/pipeline/pipeline.js';
import type { GenerationRequest, GenerationResult } from '../src/pipeline/types.js';
import { writeTinyModel, type TinyModelOptions } from '../test/fixtures/tiny-models.js';

interface Case {
  name: string;
  dir: string;
  request: GenerationRequest;
  goal?: number;
  repeats: number;
}

/** As the worker runs jobs: cancel flag polled between steps, no event-loop yield. */
const WORKER_CONTROL: StepControl = { cancelled: () => false, yieldEachStep: false };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sessionMs = (r: GenerationResult) => Object.values(r.timings.stages).reduce((s, t) => s + t.ms, 0);
const ratio = (r: GenerationResult) => (r.timings.wallMs - sessionMs(r)) / r.timings.wallMs;

/** Runs a request until the JIT has settled: at least 3 times and for `budgetMs`, at most 300 times. */
async function warm(generate: () => Promise<unknown>, budgetMs: number): Promise<void> {
  const until = performance.now() + budgetMs;
  for (let runs = 0; runs < 3 || (performance.now() < until && runs < 300); runs++) await generate();
}

function stagesLine(r: GenerationResult): string {
  return Object.entries(r.timings.stages)
    .map(([stage, t]) => `${stage} ${t.ms.toFixed(1)} ms / ${t.runs} = ${(t.ms / t.runs).toFixed(3)} ms`)
    .join(', ');
}

async function runCase(c: Case): Promise<void> {
  const p = await DiffusionPipeline.load(c.dir);
  await warm(() => p.generate(c.request, WORKER_CONTROL), 1500);
  const results: GenerationResult[] = [];
  for (let i = 0; i < c.repeats; i++) results.push(await p.generate(c.request, WORKER_CONTROL));
  const ratios = results.map(ratio);
  const mid = results[ratios.indexOf(median(ratios))]!;
  const wall = mid.timings.wallMs;
  const session = sessionMs(mid);
  const unetRuns = mid.timings.stages.unet!.runs;
  console.log(`${c.name}`);
  console.log(`  ${mid.width}×${mid.height}, ${mid.steps} steps (${unetRuns} UNet runs), ${mid.scheduler}, guidance ${mid.guidance}, batch ${mid.images.length}`);
  console.log(`  per stage (session.run): ${stagesLine(mid)}`);
  const verdict = c.goal === undefined ? '' : ` — goal < ${c.goal * 100}%: ${ratio(mid) < c.goal ? 'met' : 'NOT met'}`;
  console.log(
    `  wall ${wall.toFixed(2)} ms, Σ session.run ${session.toFixed(2)} ms, overhead ${(ratio(mid) * 100).toFixed(2)}% ` +
      `(median of ${c.repeats}, range ${(Math.min(...ratios) * 100).toFixed(1)}–${(Math.max(...ratios) * 100).toFixed(1)}%)${verdict}`,
  );
  await p.release();

  // The same request through the worker thread, as the bot runs it.
  const w = await loadPipeline(c.dir);
  await warm(() => w.generate(c.request), 1500);
  const callerWalls: number[] = [];
  const messaging: number[] = [];
  const ratios2: number[] = [];
  for (let i = 0; i < c.repeats; i++) {
    const t = performance.now();
    const r = await w.generate(c.request);
    const cw = performance.now() - t;
    callerWalls.push(cw);
    messaging.push(cw - r.timings.wallMs);
    ratios2.push((cw - sessionMs(r)) / cw);
  }
  console.log(
    `  via the worker thread: caller's wall ${median(callerWalls).toFixed(2)} ms, of which messages ${median(messaging).toFixed(2)} ms; ` +
      `overhead seen by the caller ${(median(ratios2) * 100).toFixed(2)}%`,
  );
  await w.release();
}

/** Fixed and per-step cost of the loop, from the same request at two step counts. */
async function loopCost(dir: string): Promise<void> {
  const p = await DiffusionPipeline.load(dir);
  const request: GenerationRequest = { prompt: 'a red heart', seed: 1, width: 64, height: 64, guidance: 7, scheduler: 'euler' };
  const overheadAt = async (steps: number) => {
    await warm(() => p.generate({ ...request, steps }, WORKER_CONTROL), 1000);
    const xs: number[] = [];
    for (let i = 0; i < 41; i++) {
      const r = await p.generate({ ...request, steps }, WORKER_CONTROL);
      xs.push(r.timings.wallMs - sessionMs(r));
    }
    // The least disturbed run: other processes only ever add time.
    return Math.min(...xs);
  };
  const a = await overheadAt(10);
  const b = await overheadAt(60);
  const perStep = (b - a) / 50;
  console.log('loop cost on toy graphs (each session.run ≈ 15–30 µs: the ratio there measures JavaScript, not a model)');
  console.log(`  ${(a - 10 * perStep).toFixed(3)} ms per generation + ${(perStep * 1000).toFixed(1)} µs per step (64×64, CFG, Euler)`);
  await p.release();
}

/**
 * The pipeline against a bare onnxruntime loop on the same sessions, on an SD-1.5-shaped model
 * (77×768 conditioning, 64×64 latents → 512×512, classifier-free guidance, 4 steps) whose UNet
 * takes about 100 ms a call: the bare loop runs the text encoder twice, the UNet on ready-made
 * tensors and the decoder, and nothing else. Runs alternate, so drift hits both alike.
 */
async function againstBareOnnxruntime(root: string): Promise<void> {
  const dir = writeTinyModel(join(root, 'sd15-shaped'), { generation: 'optimum-2023', family: 'sd1', textDim: 768, unetWork: { size: 1792, matmuls: 4 } });
  const p = await DiffusionPipeline.load(dir);
  const m = p.model;
  const request: GenerationRequest = { prompt: 'a red heart on a white background', negativePrompt: 'blurry', seed: 1, steps: 4, width: 512, height: 512, guidance: 7, scheduler: 'euler' };
  const ids = m.tokenizer.encodePadded(request.prompt);
  const noIds = m.tokenizer.encodePadded(request.negativePrompt!);
  const latents = new Float32Array(2 * 4 * 64 * 64).fill(0.1);
  const bare = async (): Promise<number> => {
    const t = performance.now();
    const hidden: Float32Array[] = [];
    for (const tokens of [noIds, ids]) {
      const out = await m.textEncoder.run({ input_ids: m.textEncoder.numberTensor('input_ids', tokens, [1, 77]) }, [m.io.textHidden], undefined, 'text_encoder');
      hidden.push(out[m.io.textHidden]!.data as Float32Array);
    }
    const ehs = new Float32Array(hidden[0]!.length * 2);
    ehs.set(hidden[0]!);
    ehs.set(hidden[1]!, hidden[0]!.length);
    const feeds = {
      sample: m.unet.floatTensor('sample', latents, [2, 4, 64, 64]),
      encoder_hidden_states: m.unet.floatTensor('encoder_hidden_states', ehs, [2, 77, 768]),
    };
    for (let step = 0; step < 4; step++) {
      await m.unet.run({ ...feeds, timestep: m.unet.numberTensor('timestep', [999 - step * 250, 999 - step * 250], [2]) }, [m.io.unetOut], undefined, 'unet');
    }
    await m.vaeDecoder.run({ latent_sample: m.vaeDecoder.floatTensor('latent_sample', latents.subarray(0, 4 * 64 * 64), [1, 4, 64, 64]) }, [m.io.vaeDecoderOut], undefined, 'vae_decoder');
    return performance.now() - t;
  };
  const pipelineRun = () => p.generate(request, WORKER_CONTROL);
  // Settle the JIT and onnxruntime's first-run allocations on both.
  for (let i = 0; i < 2; i++) {
    await pipelineRun();
    await bare();
  }
  const ratios: number[] = [];
  const outside: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < 7; i++) {
    const r = await pipelineRun();
    const b = await bare();
    ratios.push(r.timings.wallMs / b);
    walls.push(r.timings.wallMs);
    outside.push((r.timings.wallMs - sessionMs(r)) / r.timings.stages.unet!.runs);
  }
  const ratio = median(ratios);
  console.log('SD-1.5-shaped model (77×768 conditioning, 512×512, CFG, 4 steps, UNet ≈ 100 ms a call) against a bare onnxruntime loop on the same sessions');
  console.log(
    `  pipeline ${median(walls).toFixed(1)} ms a generation; wall(pipeline) / wall(bare loop) = ${ratio.toFixed(4)} (median of ${ratios.length} alternating runs, ` +
      `range ${Math.min(...ratios).toFixed(4)}–${Math.max(...ratios).toFixed(4)}); outside session.run ${median(outside).toFixed(2)} ms a step` +
      ` — goal ≤ 1.02: ${ratio <= 1.02 ? 'met' : 'NOT met'}`,
  );
  await p.release();
}

/** A test-fixture model whose UNet multiplies `size`×`size` matrices four times per call: a fixed amount of real work. */
function workModel(root: string, size: number): string {
  const o: TinyModelOptions = { generation: 'optimum-2023', family: 'sd1', unetWork: { size, matmuls: 4 } };
  return writeTinyModel(join(root, `unet-${size}`), o);
}

export default async function pipelineBench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'pipeline-bench-'));
  try {
    await againstBareOnnxruntime(root);
    const toy = writeTinyModel(join(root, 'toy'), { generation: 'optimum-2023', family: 'sd1' });
    await loopCost(toy);
    // ~40 MFLOP (about a millisecond here) and ~46 GFLOP (well over 100 ms on 2 cores) per UNet call.
    const small = workModel(root, 170);
    const heavy = workModel(root, 1792);
    const request: GenerationRequest = { prompt: 'a red heart', seed: 1, steps: 20, width: 64, height: 64, guidance: 7, scheduler: 'euler' };
    const cases: Case[] = [
      { name: 'toy graphs (test fixture)', dir: toy, request, repeats: 31 },
      { name: 'small model (UNet ≈ 40 MFLOP a call)', dir: small, request, goal: 0.1, repeats: 21 },
    ];
    const shipped = process.env.MODEL_DIR || DEFAULT_MODEL_DIR;
    if (existsSync(join(shipped, 'model_index.json'))) {
      cases.push({ name: `model folder ${shipped}, its defaults, batch 4`, dir: shipped, request: { prompt: 'a red heart', seed: 1, batch: 4 }, goal: 0.1, repeats: 11 });
    }
    cases.push({
      name: 'heavy model (UNet ≈ 46 GFLOP a call)',
      dir: heavy,
      request: { ...request, steps: 5, scheduler: 'dpmpp-2m' },
      goal: 0.02,
      repeats: 3,
    });
    for (const c of cases) await runCase(c);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
