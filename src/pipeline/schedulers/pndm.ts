/**
 * diffusers' PNDMScheduler (Liu et al. 2022): Runge–Kutta warm-up steps (unless skip_prk_steps),
 * then linear multistep (PLMS) steps that reuse the last model outputs.
 */
import { BaseScheduler, npArangeRounded } from './base.js';
import { f32, npLinspace, roundHalfEven } from './numeric.js';
import type { NoiseSource, SchedulerConfig, SchedulerName, SchedulerStepResult } from './types.js';

export class PndmScheduler extends BaseScheduler {
  readonly name: SchedulerName = 'pndm';
  readonly initNoiseSigma = 1;
  private readonly finalAlphaCumprod: number;
  private readonly skipPrk: boolean;
  prkTimesteps: number[] = [];
  plmsTimesteps: number[] = [];
  private ets: Float32Array[] = [];
  private counter = 0;
  private curModelOutput: Float32Array | undefined;
  private curSample: Float32Array | undefined;

  constructor(config: SchedulerConfig) {
    super(config, { betaStart: 0.0001, betaEnd: 0.02, betaSchedule: 'linear', timestepSpacing: 'leading', zeroSnrEpsilon: false });
    if (this.predictionType === 'sample') throw new Error("scheduler_config.json: the PNDM sampler supports prediction_type 'epsilon' or 'v_prediction'");
    this.finalAlphaCumprod = this.c.bool('set_alpha_to_one', false) ? 1 : this.alphasCumprod[0]!;
    this.skipPrk = this.c.bool('skip_prk_steps', false);
  }

  /** diffusers' PNDM has no timesteps before set_timesteps. */
  protected override trainingTimesteps(): number[] {
    return [];
  }

  setTimesteps(n: number): void {
    this.checkSteps(n);
    this.numInferenceSteps = n;
    const N = this.numTrainTimesteps;
    let base: number[];
    if (this.timestepSpacing === 'linspace') base = npLinspace(0, N - 1, n).map(roundHalfEven);
    else if (this.timestepSpacing === 'leading') base = Array.from({ length: n }, (_, i) => i * Math.floor(N / n) + this.stepsOffset);
    else base = npArangeRounded(N, n).reverse().map((v) => v - 1);
    if (this.skipPrk) {
      this.prkTimesteps = [];
      this.plmsTimesteps = [...base.slice(0, -1), ...base.slice(-2, -1), ...base.slice(-1)].reverse();
    } else {
      const half = Math.floor(Math.floor(N / n) / 2);
      const lastFour = base.slice(-4);
      const pairs = lastFour.flatMap((t) => [t, t + half]).slice(0, -1);
      this.prkTimesteps = pairs.flatMap((t) => [t, t]).slice(1, -1).reverse();
      this.plmsTimesteps = base.slice(0, -3).reverse();
    }
    this.timesteps = [...this.prkTimesteps, ...this.plmsTimesteps];
    this.ets = [];
    this.counter = 0;
    this.curModelOutput = undefined;
    this.curSample = undefined;
    this.resetIndices();
  }

  /** PNDM starts img2img by slicing its list; it keeps no step index to move. */
  override setTimestepsForStrength(n: number, strength: number): number[] {
    this.setTimesteps(n);
    const init = Math.min(Math.floor(n * strength), n);
    return this.timesteps.slice(Math.max(n - init, 0));
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, _rng?: NoiseSource): SchedulerStepResult {
    if (this.numInferenceSteps === 0) throw new Error('setTimesteps must be called before step');
    if (this.counter < this.prkTimesteps.length && !this.skipPrk) return { prevSample: this.stepPrk(modelOutput, t, sample) };
    return { prevSample: this.stepPlms(modelOutput, t, sample) };
  }

  private stepPrk(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    const diffToPrev = this.counter % 2 ? 0 : Math.floor(Math.floor(this.numTrainTimesteps / this.numInferenceSteps) / 2);
    const prevT = t - diffToPrev;
    const timestep = this.prkTimesteps[Math.floor(this.counter / 4) * 4]!;
    let output = modelOutput;
    const phase = this.counter % 4;
    const acc = (w: number) => {
      const cur = this.curModelOutput ?? new Float32Array(modelOutput.length);
      for (let k = 0; k < cur.length; k++) cur[k] = cur[k]! + f32(f32(w) * modelOutput[k]!);
      this.curModelOutput = cur;
    };
    if (phase === 0) {
      acc(1 / 6);
      this.ets.push(modelOutput);
      this.curSample = sample;
    } else if (phase === 1 || phase === 2) {
      acc(1 / 3);
    } else {
      const cur = this.curModelOutput!;
      output = new Float32Array(modelOutput.length);
      for (let k = 0; k < output.length; k++) output[k] = cur[k]! + f32(f32(1 / 6) * modelOutput[k]!);
      this.curModelOutput = undefined;
    }
    const prev = this.prevSample(this.curSample ?? sample, timestep, prevT, output);
    this.counter++;
    return prev;
  }

  private stepPlms(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    if (!this.skipPrk && this.ets.length < 3) throw new Error('PNDM needs its Runge–Kutta warm-up steps before the multistep ones');
    const ratio = Math.floor(this.numTrainTimesteps / this.numInferenceSteps);
    let prevT = t - ratio;
    let timestep = t;
    if (this.counter !== 1) {
      this.ets = this.ets.slice(-3);
      this.ets.push(modelOutput);
    } else {
      prevT = t;
      timestep = t + ratio;
    }
    const e = this.ets;
    const n = e.length;
    let output: Float32Array;
    let x = sample;
    const combine = (weights: number[], divisor: number) => {
      const out = new Float32Array(modelOutput.length);
      for (let k = 0; k < out.length; k++) {
        let v = 0;
        for (let j = 0; j < weights.length; j++) v = f32(v + f32(weights[j]! * e[n - 1 - j]![k]!));
        out[k] = v / divisor;
      }
      return out;
    };
    if (n === 1 && this.counter === 0) {
      output = modelOutput;
      this.curSample = sample;
    } else if (n === 1 && this.counter === 1) {
      output = new Float32Array(modelOutput.length);
      for (let k = 0; k < output.length; k++) output[k] = f32(modelOutput[k]! + e[0]![k]!) / 2;
      x = this.curSample!;
      this.curSample = undefined;
    } else if (n === 2) {
      output = combine([3, -1], 2);
    } else if (n === 3) {
      output = combine([23, -16, 5], 12);
    } else {
      const raw = combine([55, -59, 37, -9], 1);
      output = raw.map((v) => f32(1 / 24) * v);
    }
    const prev = this.prevSample(x, timestep, prevT, output);
    this.counter++;
    return prev;
  }

  /** Formula (9) of the PNDM paper: x_{t−δ} from x_t and the noise estimate. */
  private prevSample(sample: Float32Array, t: number, prevT: number, modelOutput: Float32Array): Float32Array {
    const a = this.alphasCumprod[t]!;
    const aPrev = prevT >= 0 ? this.alphasCumprod[prevT]! : this.finalAlphaCumprod;
    const b = f32(1 - a);
    const bPrev = f32(1 - aPrev);
    let eps = modelOutput;
    if (this.predictionType === 'v_prediction') {
      const sa = f32(Math.sqrt(a));
      const sb = f32(Math.sqrt(b));
      eps = new Float32Array(modelOutput.length);
      for (let k = 0; k < eps.length; k++) eps[k] = f32(sa * modelOutput[k]!) + f32(sb * sample[k]!);
    }
    const sampleCoeff = f32(Math.sqrt(f32(aPrev / a)));
    const denom = f32(f32(a * f32(Math.sqrt(bPrev))) + f32(Math.sqrt(f32(f32(a * b) * aPrev))));
    const diff = f32(aPrev - a);
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) out[k] = f32(sampleCoeff * sample[k]!) - f32(f32(diff * eps[k]!) / denom);
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return this.addNoiseAlphaBar(original, noise, t);
  }
}
