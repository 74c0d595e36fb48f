/**
 * diffusers' DPMSolverMultistepScheduler (Lu et al. 2022): DPM-Solver++ 2M by default
 * (algorithm_type dpmsolver++, solver_order 2), with Karras sigmas when use_karras_sigmas is set.
 * Also runs the dpmsolver and sde-dpmsolver++ variants and orders 1–3 that the same config can name.
 */
import { BaseScheduler, leadingTimesteps } from './base.js';
import { exponentialSigmas, f32, npArange, interpIndex, karrasSigmas, npLinspace, roundHalfEven, sigmaToT, thresholdSample, trainingLogSigmas, trainingSigmas } from './numeric.js';
import type { NoiseSource, SchedulerConfig, SchedulerName, SchedulerStepResult } from './types.js';

const ALGORITHMS = ['dpmsolver++', 'dpmsolver', 'sde-dpmsolver++', 'sde-dpmsolver', 'deis'] as const;
const SOLVER_TYPES = ['midpoint', 'heun', 'logrho', 'bh1', 'bh2'] as const;

/** α_t and σ_t of a variance-preserving process at noise level sigma (float32 like torch). */
function alphaSigma(sigma: number): { alpha: number; sigma: number; lambda: number } {
  const alpha = f32(1 / f32(Math.sqrt(f32(f32(sigma * sigma) + 1))));
  const s = f32(sigma * alpha);
  return { alpha, sigma: s, lambda: f32(f32(Math.log(alpha)) - f32(Math.log(s))) };
}

export class DpmSolverMultistepScheduler extends BaseScheduler {
  readonly name: SchedulerName = 'dpmpp-2m';
  readonly initNoiseSigma = 1;
  sigmas: Float32Array;
  private readonly algorithm: 'dpmsolver++' | 'dpmsolver' | 'sde-dpmsolver++' | 'sde-dpmsolver';
  private readonly solverType: 'midpoint' | 'heun';
  private readonly solverOrder: number;
  private modelOutputs: (Float32Array | undefined)[];
  private lowerOrderNums = 0;

  constructor(config: SchedulerConfig) {
    super(config, { betaStart: 0.0001, betaEnd: 0.02, betaSchedule: 'linear', timestepSpacing: 'linspace', zeroSnrEpsilon: true });
    const c = this.c;
    const algorithm = c.string('algorithm_type', 'dpmsolver++', ALGORITHMS);
    // diffusers maps DEIS configs onto dpmsolver++ and the UniPC solver types onto midpoint.
    this.algorithm = algorithm === 'deis' ? 'dpmsolver++' : algorithm;
    const solverType = c.string('solver_type', 'midpoint', SOLVER_TYPES);
    this.solverType = solverType === 'heun' ? 'heun' : 'midpoint';
    this.solverOrder = c.number('solver_order', 2);
    if (![1, 2, 3].includes(this.solverOrder)) throw new Error(`scheduler_config.json: solver_order must be 1, 2 or 3, not ${this.solverOrder}`);
    if (c.bool('use_flow_sigmas', false)) throw new Error('scheduler_config.json: use_flow_sigmas (flow-matching models) is not supported by this pipeline');
    if (c.bool('use_beta_sigmas', false)) throw new Error('scheduler_config.json: use_beta_sigmas is not supported by this pipeline');
    this.sigmas = trainingSigmas(this.alphasCumprod);
    this.modelOutputs = new Array(this.solverOrder).fill(undefined);
  }

  protected override trainingTimesteps(): number[] {
    return npLinspace(0, this.numTrainTimesteps - 1, this.numTrainTimesteps).map(f32).reverse();
  }

  /** The first timestep index whose λ is not below lambda_min_clipped, counted from the noisy end. */
  private lastTimestep(): number {
    const clip = this.c.number('lambda_min_clipped', -Infinity);
    const N = this.numTrainTimesteps;
    if (clip === -Infinity) return N;
    const lambdas = this.alphasCumprod.map((a) => {
      const alpha = f32(Math.sqrt(a));
      const sigma = f32(Math.sqrt(f32(1 - a)));
      return f32(f32(Math.log(alpha)) - f32(Math.log(sigma)));
    });
    // searchsorted(flip(lambda_t), clip): how many of the ascending flipped values are below clip.
    let clipped = 0;
    for (let i = N - 1; i >= 0 && lambdas[i]! < clip; i--) clipped++;
    return N - clipped;
  }

  setTimesteps(n: number): void {
    this.checkSteps(n);
    const c = this.c;
    const N = this.numTrainTimesteps;
    const last = this.lastTimestep();
    let timesteps: number[];
    if (this.timestepSpacing === 'linspace') timesteps = npLinspace(0, last - 1, n + 1).map(roundHalfEven).reverse().slice(0, -1);
    else if (this.timestepSpacing === 'leading') {
      timesteps = leadingTimesteps(n + 1, last, 0).slice(0, -1);
      // leadingTimesteps uses last // (n + 1) as the ratio, as diffusers does here.
      timesteps = timesteps.map((t) => t + this.stepsOffset);
    } else {
      timesteps = npArange(last, 0, -N / n).map((v) => roundHalfEven(v) - 1);
    }
    const train = trainingSigmas(this.alphasCumprod);
    const logSigmas = trainingLogSigmas(this.alphasCumprod);
    const cosine = c.string<string>('beta_schedule', 'linear') === 'squaredcos_cap_v2';
    let sigmas: number[];
    if (c.bool('use_karras_sigmas', false)) {
      sigmas = karrasSigmas(train[0]!, train[N - 1]!, n);
      timesteps = sigmas.map((s) => sigmaToT(s, logSigmas)).map((t) => (cosine ? t : roundHalfEven(t)));
    } else if (c.bool('use_lu_lambdas', false)) {
      const lambdaMin = logSigmas[0]!;
      const lambdaMax = logSigmas[N - 1]!;
      sigmas = npLinspace(0, 1, n).map((r) => Math.exp(lambdaMax + r * (lambdaMin - lambdaMax)));
      timesteps = sigmas.map((s) => sigmaToT(s, logSigmas)).map((t) => (cosine ? t : roundHalfEven(t)));
    } else if (c.bool('use_exponential_sigmas', false)) {
      sigmas = exponentialSigmas(train[0]!, train[N - 1]!, n);
      timesteps = sigmas.map((s) => sigmaToT(s, logSigmas));
    } else {
      sigmas = timesteps.map((t) => interpIndex(t, train));
    }
    const finalType = c.string('final_sigmas_type', 'zero', ['zero', 'sigma_min']);
    const sigmaLast = finalType === 'sigma_min' ? train[0]! : 0;
    this.sigmas = Float32Array.from([...sigmas, sigmaLast]);
    this.timesteps = timesteps.map((t) => Math.trunc(t));
    this.numInferenceSteps = this.timesteps.length;
    this.modelOutputs = new Array(this.solverOrder).fill(undefined);
    this.lowerOrderNums = 0;
    this.resetIndices();
  }

  /** A timestep that is not in the list counts as the last step, as in diffusers. */
  protected override indexForTimestep(t: number): number {
    return super.indexForTimestep(t) ?? this.timesteps.length - 1;
  }

  /** The data (x₀) prediction for dpmsolver++, the noise prediction for dpmsolver. */
  private convertModelOutput(modelOutput: Float32Array, sample: Float32Array, sigma: number): Float32Array {
    const { alpha, sigma: s } = alphaSigma(sigma);
    const n = sample.length;
    const out = new Float32Array(n);
    const type = this.predictionType;
    if (this.algorithm === 'dpmsolver++' || this.algorithm === 'sde-dpmsolver++') {
      for (let k = 0; k < n; k++) {
        const x = sample[k]!;
        const m = modelOutput[k]!;
        out[k] = type === 'epsilon' ? f32(x - f32(s * m)) / alpha : type === 'sample' ? m : f32(alpha * x) - f32(s * m);
      }
      if (this.c.bool('thresholding', false)) return thresholdSample(out, this.batchSize, this.c.number('dynamic_thresholding_ratio', 0.995), this.c.number('sample_max_value', 1));
      return out;
    }
    for (let k = 0; k < n; k++) {
      const x = sample[k]!;
      const m = modelOutput[k]!;
      out[k] = type === 'epsilon' ? m : type === 'sample' ? f32(x - f32(alpha * m)) / s : f32(alpha * m) + f32(s * x);
    }
    if (this.c.bool('thresholding', false)) {
      const x0 = new Float32Array(n);
      for (let k = 0; k < n; k++) x0[k] = f32(sample[k]! - f32(s * out[k]!)) / alpha;
      const th = thresholdSample(x0, this.batchSize, this.c.number('dynamic_thresholding_ratio', 0.995), this.c.number('sample_max_value', 1));
      for (let k = 0; k < n; k++) out[k] = f32(sample[k]! - f32(alpha * th[k]!)) / s;
    }
    return out;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): SchedulerStepResult {
    if (this.numInferenceSteps === 0) throw new Error('setTimesteps must be called before step');
    const i = this.ensureStepIndex(t);
    const len = this.timesteps.length;
    const lowerOrderFinal =
      i === len - 1 &&
      (this.c.bool('euler_at_final', false) || (this.c.bool('lower_order_final', true) && len < 15) || this.c.string('final_sigmas_type', 'zero') === 'zero');
    const lowerOrderSecond = i === len - 2 && this.c.bool('lower_order_final', true) && len < 15;
    const converted = this.convertModelOutput(modelOutput, sample, this.sigmas[i]!);
    for (let k = 0; k < this.solverOrder - 1; k++) this.modelOutputs[k] = this.modelOutputs[k + 1];
    this.modelOutputs[this.solverOrder - 1] = converted;
    let noise: Float32Array | undefined;
    if (this.algorithm.startsWith('sde')) {
      if (!rng) throw new Error('the SDE variant of DPM-Solver needs a random generator for its noise');
      noise = rng.randn([sample.length]);
    }
    let prev: Float32Array;
    if (this.solverOrder === 1 || this.lowerOrderNums < 1 || lowerOrderFinal) prev = this.firstOrder(converted, sample, i, noise);
    else if (this.solverOrder === 2 || this.lowerOrderNums < 2 || lowerOrderSecond) prev = this.secondOrder(sample, i, noise);
    else prev = this.thirdOrder(sample, i);
    if (this.lowerOrderNums < this.solverOrder) this.lowerOrderNums++;
    this.stepIndex = i + 1;
    return this.algorithm.endsWith('++') ? { prevSample: prev, denoised: converted } : { prevSample: prev };
  }

  private firstOrder(m: Float32Array, sample: Float32Array, i: number, noise?: Float32Array): Float32Array {
    const t = alphaSigma(this.sigmas[i + 1]!);
    const s = alphaSigma(this.sigmas[i]!);
    const h = f32(t.lambda - s.lambda);
    const out = new Float32Array(sample.length);
    const expNegH = f32(Math.exp(-h));
    const expH = f32(Math.exp(h));
    const ratioSigma = f32(t.sigma / s.sigma);
    switch (this.algorithm) {
      case 'dpmsolver++': {
        const cm = f32(t.alpha * f32(expNegH - 1));
        for (let k = 0; k < out.length; k++) out[k] = f32(ratioSigma * sample[k]!) - f32(cm * m[k]!);
        break;
      }
      case 'dpmsolver': {
        const cs = f32(t.alpha / s.alpha);
        const cm = f32(t.sigma * f32(expH - 1));
        for (let k = 0; k < out.length; k++) out[k] = f32(cs * sample[k]!) - f32(cm * m[k]!);
        break;
      }
      case 'sde-dpmsolver++': {
        const exp2 = f32(Math.exp(-2 * h));
        const cs = f32(ratioSigma * expNegH);
        const cm = f32(t.alpha * f32(1 - exp2));
        const cn = f32(t.sigma * f32(Math.sqrt(f32(1 - exp2))));
        for (let k = 0; k < out.length; k++) out[k] = f32(f32(cs * sample[k]!) + f32(cm * m[k]!)) + f32(cn * noise![k]!);
        break;
      }
      case 'sde-dpmsolver': {
        const cs = f32(t.alpha / s.alpha);
        const cm = f32(2 * f32(t.sigma * f32(expH - 1)));
        const cn = f32(t.sigma * f32(Math.sqrt(f32(f32(Math.exp(2 * h)) - 1))));
        for (let k = 0; k < out.length; k++) out[k] = f32(f32(cs * sample[k]!) - f32(cm * m[k]!)) + f32(cn * noise![k]!);
        break;
      }
    }
    return out;
  }

  private secondOrder(sample: Float32Array, i: number, noise?: Float32Array): Float32Array {
    const t = alphaSigma(this.sigmas[i + 1]!);
    const s0 = alphaSigma(this.sigmas[i]!);
    const s1 = alphaSigma(this.sigmas[i - 1]!);
    const m0 = this.modelOutputs[this.solverOrder - 1]!;
    const m1 = this.modelOutputs[this.solverOrder - 2]!;
    const h = f32(t.lambda - s0.lambda);
    const h0 = f32(s0.lambda - s1.lambda);
    const r0 = f32(h0 / h);
    const invR0 = f32(1 / r0);
    const expNegH = f32(Math.exp(-h));
    const expH = f32(Math.exp(h));
    let cs: number;
    let c0: number;
    let c1: number;
    let cn = 0;
    // x_t = cs·x + c0·D0 + c1·D1 (+ cn·noise), with D0 = m0 and D1 = (m0 − m1)/r0.
    switch (this.algorithm) {
      case 'dpmsolver++': {
        cs = f32(t.sigma / s0.sigma);
        const a = f32(t.alpha * f32(expNegH - 1));
        c0 = -a;
        c1 = this.solverType === 'midpoint' ? -f32(0.5 * a) : f32(t.alpha * f32(f32(f32(expNegH - 1) / h) + 1));
        break;
      }
      case 'dpmsolver': {
        cs = f32(t.alpha / s0.alpha);
        const a = f32(t.sigma * f32(expH - 1));
        c0 = -a;
        c1 = this.solverType === 'midpoint' ? -f32(0.5 * a) : -f32(t.sigma * f32(f32(f32(expH - 1) / h) - 1));
        break;
      }
      case 'sde-dpmsolver++': {
        const exp2 = f32(Math.exp(-2 * h));
        cs = f32(f32(t.sigma / s0.sigma) * expNegH);
        const a = f32(t.alpha * f32(1 - exp2));
        c0 = a;
        c1 = this.solverType === 'midpoint' ? f32(0.5 * a) : f32(t.alpha * f32(f32(f32(1 - exp2) / f32(-2 * h)) + 1));
        cn = f32(t.sigma * f32(Math.sqrt(f32(1 - exp2))));
        break;
      }
      case 'sde-dpmsolver': {
        cs = f32(t.alpha / s0.alpha);
        const a = f32(t.sigma * f32(expH - 1));
        c0 = -f32(2 * a);
        c1 = this.solverType === 'midpoint' ? -a : -f32(2 * f32(t.sigma * f32(f32(f32(expH - 1) / h) - 1)));
        cn = f32(t.sigma * f32(Math.sqrt(f32(f32(Math.exp(2 * h)) - 1))));
        break;
      }
    }
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      const d1 = f32(invR0 * f32(m0[k]! - m1[k]!));
      let v = f32(f32(cs * sample[k]!) + f32(c0 * m0[k]!));
      v = f32(v + f32(c1 * d1));
      if (noise) v = f32(v + f32(cn * noise[k]!));
      out[k] = v;
    }
    return out;
  }

  private thirdOrder(sample: Float32Array, i: number): Float32Array {
    if (this.algorithm.startsWith('sde')) throw new Error('scheduler_config.json: solver_order 3 is not supported with the SDE variants of DPM-Solver');
    const t = alphaSigma(this.sigmas[i + 1]!);
    const s0 = alphaSigma(this.sigmas[i]!);
    const s1 = alphaSigma(this.sigmas[i - 1]!);
    const s2 = alphaSigma(this.sigmas[i - 2]!);
    const o = this.solverOrder;
    const m0 = this.modelOutputs[o - 1]!;
    const m1 = this.modelOutputs[o - 2]!;
    const m2 = this.modelOutputs[o - 3]!;
    const h = f32(t.lambda - s0.lambda);
    const h0 = f32(s0.lambda - s1.lambda);
    const h1 = f32(s1.lambda - s2.lambda);
    const r0 = f32(h0 / h);
    const r1 = f32(h1 / h);
    const expNegH = f32(Math.exp(-h));
    const expH = f32(Math.exp(h));
    let cs: number;
    let c0: number;
    let c1: number;
    let c2: number;
    if (this.algorithm === 'dpmsolver++') {
      cs = f32(t.sigma / s0.sigma);
      c0 = -f32(t.alpha * f32(expNegH - 1));
      c1 = f32(t.alpha * f32(f32(f32(expNegH - 1) / h) + 1));
      c2 = -f32(t.alpha * f32(f32(f32(f32(expNegH - 1) + h) / f32(h * h)) - 0.5));
    } else {
      cs = f32(t.alpha / s0.alpha);
      c0 = -f32(t.sigma * f32(expH - 1));
      c1 = -f32(t.sigma * f32(f32(f32(expH - 1) / h) - 1));
      c2 = -f32(t.sigma * f32(f32(f32(f32(expH - 1) - h) / f32(h * h)) - 0.5));
    }
    const out = new Float32Array(sample.length);
    const w = f32(r0 / f32(r0 + r1));
    const inv = f32(1 / f32(r0 + r1));
    for (let k = 0; k < out.length; k++) {
      const d10 = f32(f32(1 / r0) * f32(m0[k]! - m1[k]!));
      const d11 = f32(f32(1 / r1) * f32(m1[k]! - m2[k]!));
      const d1 = f32(d10 + f32(w * f32(d10 - d11)));
      const d2 = f32(inv * f32(d10 - d11));
      out[k] = f32(f32(f32(cs * sample[k]!) + f32(c0 * m0[k]!)) + f32(c1 * d1)) + f32(c2 * d2);
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    const { alpha, sigma } = alphaSigma(this.sigmas[this.noiseIndex(t)]!);
    const out = new Float32Array(original.length);
    for (let k = 0; k < out.length; k++) out[k] = f32(alpha * original[k]!) + f32(sigma * noise[k]!);
    return out;
  }
}
