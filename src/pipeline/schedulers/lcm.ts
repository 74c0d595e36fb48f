/**
 * diffusers' LCMScheduler (Latent Consistency Models): each step jumps to the consistency
 * function's clean estimate, then re-noises to the next timestep with fresh noise.
 */
import { BaseScheduler } from './base.js';
import { ddpmEstimates } from './ddim.js';
import { f32, npLinspace, thresholdSample } from './numeric.js';
import type { NoiseSource, SchedulerConfig, SchedulerName, SchedulerStepResult } from './types.js';

export class LcmScheduler extends BaseScheduler {
  readonly name: SchedulerName = 'lcm';
  readonly initNoiseSigma = 1;
  private readonly finalAlphaCumprod: number;

  constructor(config: SchedulerConfig) {
    super(config, { betaStart: 0.00085, betaEnd: 0.012, betaSchedule: 'scaled_linear', timestepSpacing: 'leading', zeroSnrEpsilon: false });
    this.finalAlphaCumprod = this.c.bool('set_alpha_to_one', true) ? 1 : this.alphasCumprod[0]!;
  }

  /** n timesteps picked evenly from the distillation schedule (its first `strength` share for img2img). */
  setTimesteps(n: number, strength = 1): void {
    this.checkSteps(n);
    const N = this.numTrainTimesteps;
    const original = this.c.number('original_inference_steps', 50);
    if (original > N) throw new Error(`original_inference_steps (${original}) is more than num_train_timesteps (${N})`);
    if (n > original) throw new Error(`the LCM sampler takes at most ${original} steps`);
    const k = Math.floor(N / original);
    const count = Math.floor(original * strength);
    const origin = Array.from({ length: count }, (_, i) => (i + 1) * k - 1).reverse();
    if (Math.floor(origin.length / n) < 1) {
      throw new Error(`${n} steps is too many for strength ${strength}: the LCM sampler has only ${origin.length} timesteps to pick from`);
    }
    this.numInferenceSteps = n;
    this.timesteps = npLinspace(0, origin.length, n, false).map((v) => origin[Math.floor(v)]!);
    this.resetIndices();
  }

  /** LCM's img2img picks its timesteps from the start of the schedule instead of skipping steps. */
  override setTimestepsForStrength(n: number, strength: number): number[] {
    this.setTimesteps(n, strength);
    return this.timesteps.slice();
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): SchedulerStepResult {
    if (this.numInferenceSteps === 0) throw new Error('setTimesteps must be called before step');
    const i = this.ensureStepIndex(t);
    const prevT = i + 1 < this.timesteps.length ? this.timesteps[i + 1]! : t;
    const a = this.alphasCumprod[t]!;
    const aPrev = prevT >= 0 ? this.alphasCumprod[prevT]! : this.finalAlphaCumprod;
    // Boundary condition scalings with sigma_data = 0.5.
    const scaled = f32(t * this.c.number('timestep_scaling', 10));
    const s2 = f32(scaled * scaled);
    const cSkip = f32(0.25 / f32(s2 + 0.25));
    const cOut = f32(scaled / f32(Math.sqrt(f32(s2 + 0.25))));
    let { x0 } = ddpmEstimates(this.predictionType, modelOutput, sample, a);
    if (this.c.bool('thresholding', false)) {
      x0 = thresholdSample(x0, this.batchSize, this.c.number('dynamic_thresholding_ratio', 0.995), this.c.number('sample_max_value', 1));
    } else if (this.c.bool('clip_sample', false)) {
      const r = this.c.number('clip_sample_range', 1);
      for (let k = 0; k < x0.length; k++) x0[k] = Math.min(r, Math.max(-r, x0[k]!));
    }
    const denoised = new Float32Array(sample.length);
    for (let k = 0; k < denoised.length; k++) denoised[k] = f32(cOut * x0[k]!) + f32(cSkip * sample[k]!);
    let prev = denoised;
    if (i !== this.numInferenceSteps - 1) {
      if (!rng) throw new Error('the LCM sampler needs a random generator for its noise');
      const noise = rng.randn([sample.length]);
      const sa = f32(Math.sqrt(aPrev));
      const sb = f32(Math.sqrt(f32(1 - aPrev)));
      prev = new Float32Array(sample.length);
      for (let k = 0; k < prev.length; k++) prev[k] = f32(sa * denoised[k]!) + f32(sb * noise[k]!);
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, denoised };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return this.addNoiseAlphaBar(original, noise, t);
  }
}
