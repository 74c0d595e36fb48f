/** diffusers' DDIMScheduler (Song et al. 2020), deterministic (eta = 0) unless eta is set. */
import { BaseScheduler, leadingTimesteps, trailingTimesteps } from './base.js';
import { f32, npLinspace, roundHalfEven, thresholdSample } from './numeric.js';
import type { NoiseSource, SchedulerConfig, SchedulerName, SchedulerStepResult } from './types.js';

/** Splits a model output into the clean-sample and noise estimates of the DDPM parameterisations. */
export function ddpmEstimates(
  predictionType: string,
  modelOutput: Float32Array,
  sample: Float32Array,
  alphaProdT: number,
): { x0: Float32Array; eps: Float32Array } {
  const sa = f32(Math.sqrt(alphaProdT));
  const sb = f32(Math.sqrt(f32(1 - alphaProdT)));
  const x0 = new Float32Array(sample.length);
  const eps = new Float32Array(sample.length);
  for (let k = 0; k < sample.length; k++) {
    const x = sample[k]!;
    const m = modelOutput[k]!;
    if (predictionType === 'epsilon') {
      x0[k] = f32(x - f32(sb * m)) / sa;
      eps[k] = m;
    } else if (predictionType === 'sample') {
      x0[k] = m;
      eps[k] = f32(x - f32(sa * m)) / sb;
    } else {
      x0[k] = f32(sa * x) - f32(sb * m);
      eps[k] = f32(sa * m) + f32(sb * x);
    }
  }
  return { x0, eps };
}

export class DdimScheduler extends BaseScheduler {
  readonly name: SchedulerName = 'ddim';
  readonly initNoiseSigma = 1;
  /** Weight of fresh noise per step; diffusers' pipelines default to 0. */
  eta = 0;
  private readonly finalAlphaCumprod: number;

  constructor(config: SchedulerConfig) {
    super(config, { betaStart: 0.0001, betaEnd: 0.02, betaSchedule: 'linear', timestepSpacing: 'leading', zeroSnrEpsilon: false });
    this.finalAlphaCumprod = this.c.bool('set_alpha_to_one', true) ? 1 : this.alphasCumprod[0]!;
  }

  setTimesteps(n: number): void {
    this.checkSteps(n);
    this.numInferenceSteps = n;
    const N = this.numTrainTimesteps;
    if (this.timestepSpacing === 'linspace') this.timesteps = npLinspace(0, N - 1, n).map(roundHalfEven).reverse();
    else if (this.timestepSpacing === 'leading') this.timesteps = leadingTimesteps(n, N, this.stepsOffset);
    else this.timesteps = trailingTimesteps(n, N);
    this.resetIndices();
  }

  private alphaAt(t: number): number {
    return t >= 0 ? this.alphasCumprod[t]! : this.finalAlphaCumprod;
  }

  /** σ_t² of DDIM's eq. 16 (before eta). */
  variance(t: number, prevT: number): number {
    const a = this.alphaAt(t);
    const aPrev = this.alphaAt(prevT);
    return f32(f32(f32(1 - aPrev) / f32(1 - a)) * f32(1 - f32(a / aPrev)));
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): SchedulerStepResult {
    if (this.numInferenceSteps === 0) throw new Error('setTimesteps must be called before step');
    const prevT = t - Math.floor(this.numTrainTimesteps / this.numInferenceSteps);
    const a = this.alphaAt(t);
    const aPrev = this.alphaAt(prevT);
    let { x0, eps } = ddpmEstimates(this.predictionType, modelOutput, sample, a);
    if (this.c.bool('thresholding', false)) {
      x0 = thresholdSample(x0, this.batchSize, this.c.number('dynamic_thresholding_ratio', 0.995), this.c.number('sample_max_value', 1));
    } else if (this.c.bool('clip_sample', true)) {
      const r = this.c.number('clip_sample_range', 1);
      for (let k = 0; k < x0.length; k++) x0[k] = Math.min(r, Math.max(-r, x0[k]!));
    }
    const std = f32(this.eta * f32(Math.sqrt(this.variance(t, prevT))));
    const dirCoeff = f32(Math.sqrt(f32(f32(1 - aPrev) - f32(std * std))));
    const x0Coeff = f32(Math.sqrt(aPrev));
    const prev = new Float32Array(sample.length);
    for (let k = 0; k < prev.length; k++) prev[k] = f32(x0Coeff * x0[k]!) + f32(dirCoeff * eps[k]!);
    if (this.eta > 0) {
      if (!rng) throw new Error('DDIM with eta > 0 needs a random generator');
      const noise = rng.randn([sample.length]);
      for (let k = 0; k < prev.length; k++) prev[k] = prev[k]! + f32(std * noise[k]!);
    }
    return { prevSample: prev, denoised: x0 };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return this.addNoiseAlphaBar(original, noise, t);
  }
}
