/** diffusers' EulerDiscreteScheduler (Karras et al. 2022, algorithm 2, without churn). */
import { BaseScheduler, leadingTimesteps, trailingTimesteps, type ClassDefaults } from './base.js';
import { exponentialSigmas, f32, interpIndex, karrasSigmas, npLinspace, sigmaToT, torchLinspaceF32, trainingLogSigmas, trainingSigmas } from './numeric.js';
import type { NoiseSource, SchedulerConfig, SchedulerName, SchedulerStepResult } from './types.js';

const EULER_DEFAULTS: ClassDefaults = {
  betaStart: 0.0001,
  betaEnd: 0.02,
  betaSchedule: 'linear',
  timestepSpacing: 'linspace',
  zeroSnrEpsilon: true,
};

/** Samplers that work in sigma space: the latents carry noise of standard deviation sigma, inputs are scaled by 1/√(σ²+1). */
export abstract class SigmaScheduler extends BaseScheduler {
  private inferenceSigmas: Float32Array | undefined;

  constructor(config: SchedulerConfig) {
    super(config, EULER_DEFAULTS);
  }

  /** One more than timesteps: the last is where the final step lands (0 or sigma_min). Before setTimesteps: the training sigmas, noisiest first. */
  get sigmas(): Float32Array {
    if (!this.inferenceSigmas) {
      const train = trainingSigmas(this.alphasCumprod);
      const all = new Float32Array(train.length + 1);
      for (let i = 0; i < train.length; i++) all[i] = train[train.length - 1 - i]!;
      this.inferenceSigmas = all;
    }
    return this.inferenceSigmas;
  }

  set sigmas(value: Float32Array) {
    this.inferenceSigmas = value;
  }

  protected override trainingTimesteps(): number[] {
    return npLinspace(0, this.numTrainTimesteps - 1, this.numTrainTimesteps).reverse().map(f32);
  }

  get initNoiseSigma(): number {
    let max = 0;
    for (const s of this.sigmas) if (s > max) max = s;
    if (this.timestepSpacing === 'linspace' || this.timestepSpacing === 'trailing') return max;
    return f32(Math.sqrt(f32(f32(max * max) + 1)));
  }

  /** Inference timesteps (float32 values) for the configured spacing. */
  protected baseTimesteps(n: number): number[] {
    const N = this.numTrainTimesteps;
    if (this.timestepSpacing === 'linspace') return npLinspace(0, N - 1, n).map(f32).reverse();
    if (this.timestepSpacing === 'leading') return leadingTimesteps(n, N, this.stepsOffset);
    return trailingTimesteps(n, N);
  }

  override scaleModelInput(sample: Float32Array, t: number): Float32Array {
    const sigma = this.sigmas[this.ensureStepIndex(t)]!;
    const scale = f32(Math.sqrt(f32(f32(sigma * sigma) + 1)));
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) out[k] = sample[k]! / scale;
    return out;
  }

  /** The model's estimate of the clean latents from its output at noise level sigma. */
  protected predictOriginal(modelOutput: Float32Array, sample: Float32Array, sigma: number): Float32Array {
    const out = new Float32Array(sample.length);
    if (this.predictionType === 'epsilon') {
      for (let k = 0; k < out.length; k++) out[k] = sample[k]! - f32(sigma * modelOutput[k]!);
    } else if (this.predictionType === 'v_prediction') {
      const s2 = f32(f32(sigma * sigma) + 1);
      const cOut = f32(-sigma / f32(Math.sqrt(s2)));
      for (let k = 0; k < out.length; k++) out[k] = f32(modelOutput[k]! * cOut) + f32(sample[k]! / s2);
    } else {
      out.set(modelOutput);
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    const sigma = this.sigmas[this.noiseIndex(t)]!;
    const out = new Float32Array(original.length);
    for (let k = 0; k < out.length; k++) out[k] = original[k]! + f32(noise[k]! * sigma);
    return out;
  }
}

export class EulerScheduler extends SigmaScheduler {
  readonly name: SchedulerName = 'euler';

  setTimesteps(n: number): void {
    this.checkSteps(n);
    this.numInferenceSteps = n;
    const c = this.c;
    const N = this.numTrainTimesteps;
    let timesteps = this.baseTimesteps(n);
    const train = trainingSigmas(this.alphasCumprod);
    const logSigmas = trainingLogSigmas(this.alphasCumprod);
    let sigmas: number[];
    const interpolation = c.string('interpolation_type', 'linear', ['linear', 'log_linear']);
    if (interpolation === 'linear') sigmas = timesteps.map((t) => interpIndex(t, train));
    else sigmas = [...torchLinspaceF32(Math.log(train[N - 1]!), Math.log(train[0]!), n + 1).map((v) => f32(Math.exp(v)))];

    const sigmaMin = c.optionalNumber('sigma_min') ?? sigmas[sigmas.length - 1]!;
    const sigmaMax = c.optionalNumber('sigma_max') ?? sigmas[0]!;
    if (c.bool('use_karras_sigmas', false)) {
      sigmas = karrasSigmas(sigmaMin, sigmaMax, n);
      timesteps = sigmas.map((s) => sigmaToT(s, logSigmas));
    } else if (c.bool('use_exponential_sigmas', false)) {
      sigmas = exponentialSigmas(sigmaMin, sigmaMax, n);
      timesteps = sigmas.map((s) => sigmaToT(s, logSigmas));
    } else if (c.bool('use_beta_sigmas', false)) {
      throw new Error('scheduler_config.json: use_beta_sigmas is not supported by this pipeline');
    }
    const finalType = c.string('final_sigmas_type', 'zero', ['zero', 'sigma_min']);
    const last = finalType === 'sigma_min' ? train[0]! : 0;
    this.sigmas = Float32Array.from([...sigmas, last]);
    const continuousV = c.string('timestep_type', 'discrete', ['discrete', 'continuous']) === 'continuous' && this.predictionType === 'v_prediction';
    this.timesteps = continuousV ? [...this.sigmas.subarray(0, -1)].map((s) => f32(0.25 * f32(Math.log(s)))) : timesteps.map(f32);
    this.resetIndices();
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, _rng?: NoiseSource): SchedulerStepResult {
    const i = this.ensureStepIndex(t);
    const sigma = this.sigmas[i]!;
    const x0 = this.predictOriginal(modelOutput, sample, sigma);
    const dt = f32(this.sigmas[i + 1]! - sigma);
    const prev = new Float32Array(sample.length);
    for (let k = 0; k < prev.length; k++) {
      const derivative = f32(f32(sample[k]! - x0[k]!) / sigma);
      prev[k] = sample[k]! + f32(derivative * dt);
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, denoised: x0 };
  }
}
