/**
 * The few numpy/torch behaviours the diffusers schedulers depend on, reproduced so timesteps and
 * noise levels come out identical: float32 rounding of the training schedule, numpy's
 * round-half-to-even, arange/linspace/interp, and the sigma ↔ timestep conversions.
 */
import type { SchedulerConfig } from './types.js';

export const f32 = Math.fround;

/** numpy's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.arange(start, stop, step) for floats: numpy fills start + i·(second − first). */
export function npArange(start: number, stop: number, step: number): number[] {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n === 0) return [];
  const delta = start + step - start;
  return Array.from({ length: n }, (_, i) => (i === 0 ? start : start + i * delta));
}

/** np.linspace(start, stop, num, endpoint) in float64, as numpy computes it. */
export function npLinspace(start: number, stop: number, num: number, endpoint = true): number[] {
  if (num <= 0) return [];
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const out: number[] = [];
  if (div === 0) return [start];
  const step = delta / div;
  for (let i = 0; i < num; i++) out.push(step === 0 ? (i / div) * delta + start : i * step + start);
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/** torch.linspace(start, end, steps, dtype=float32): a float32 step, each half counted from its own end. */
export function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  const s = f32(start);
  const e = f32(end);
  if (steps === 1) {
    out[0] = s;
    return out;
  }
  const step = f32((e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < halfway ? f32(s + f32(step * i)) : f32(e - f32(step * (steps - i - 1)));
  return out;
}

/** np.interp(x, arange(len(fp)), fp) for one x. */
export function interpIndex(x: number, fp: ArrayLike<number>): number {
  const n = fp.length;
  if (x <= 0) return fp[0]!;
  if (x >= n - 1) return fp[n - 1]!;
  const j = Math.floor(x);
  if (x === j) return fp[j]!;
  const slope = (fp[j + 1]! - fp[j]!) / 1;
  return slope * (x - j) + fp[j]!;
}

/** diffusers' _sigma_to_t: a (fractional) training timestep for a noise level, by log-linear interpolation. */
export function sigmaToT(sigma: number, logSigmas: Float32Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) if (logSigma - logSigmas[i]! >= 0) low = i;
  low = Math.min(low, logSigmas.length - 2);
  const lo = logSigmas[low]!;
  const hi = logSigmas[low + 1]!;
  let w = (lo - logSigma) / (lo - hi);
  w = Math.min(1, Math.max(0, w));
  return (1 - w) * low + w * (low + 1);
}

/** Karras et al. (2022) noise levels, rho = 7, from sigmaMax down to sigmaMin. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number): number[] {
  const rho = 7;
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return npLinspace(0, 1, n).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

export function exponentialSigmas(sigmaMin: number, sigmaMax: number, n: number): number[] {
  return npLinspace(Math.log(sigmaMax), Math.log(sigmaMin), n).map(Math.exp);
}

/** Typed reads of scheduler_config.json values with the class's defaults (null counts as absent, as in diffusers). */
export class ConfigReader {
  constructor(readonly config: SchedulerConfig) {}
  private raw(key: string): unknown {
    const v = this.config[key];
    return v === null ? undefined : v;
  }
  number(key: string, fallback: number): number {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    const n = typeof v === 'number' ? v : Number(v);
    if (Number.isNaN(n)) throw new Error(`scheduler_config.json: ${key} must be a number, not ${JSON.stringify(v)}`);
    return n;
  }
  optionalNumber(key: string): number | undefined {
    const v = this.raw(key);
    return v === undefined ? undefined : this.number(key, 0);
  }
  string<T extends string>(key: string, fallback: T, allowed?: readonly T[]): T {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    const s = String(v) as T;
    if (allowed && !allowed.includes(s)) throw new Error(`scheduler_config.json: ${key} '${s}' is not supported; expected one of ${allowed.join(', ')}`);
    return s;
  }
  bool(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    return v === undefined ? fallback : Boolean(v);
  }
  numberArray(key: string): number[] | undefined {
    const v = this.raw(key);
    return Array.isArray(v) ? v.map(Number) : undefined;
  }
}

/** diffusers' betas_for_alpha_bar with the cosine transform (squaredcos_cap_v2). */
function cosineBetas(n: number, maxBeta = 0.999): Float32Array {
  const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * Math.PI / 2) ** 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), maxBeta);
  return out;
}

/** rescale_zero_terminal_snr (Lin et al. 2023, algorithm 1) in float32 as torch runs it. */
function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const n = betas.length;
  const cum = cumprodF32(betas.map((b) => f32(1 - b)));
  const sqrtBar = cum.map((a) => f32(Math.sqrt(a)));
  const s0 = sqrtBar[0]!;
  const sT = sqrtBar[n - 1]!;
  const scale = f32(s0 / f32(s0 - sT));
  const bar = sqrtBar.map((v) => {
    const shifted = f32(f32(v - sT) * scale);
    return f32(shifted * shifted);
  });
  const out = new Float32Array(n);
  out[0] = f32(1 - bar[0]!);
  for (let i = 1; i < n; i++) out[i] = f32(1 - f32(bar[i]! / bar[i - 1]!));
  return out;
}

/** torch.cumprod on float32: accumulates in double, stores each partial product as float32. */
export function cumprodF32(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  let acc = 1;
  for (let i = 0; i < values.length; i++) {
    acc *= values[i]!;
    out[i] = acc;
  }
  return out;
}

export interface TrainingSchedule {
  numTrainTimesteps: number;
  betas: Float32Array;
  alphasCumprod: Float32Array;
}

const scheduleCache = new Map<string, TrainingSchedule>();

/** The training noise schedule every diffusers scheduler builds in its constructor (computed once per config). */
export function trainingSchedule(c: ConfigReader, defaults: { betaStart: number; betaEnd: number; betaSchedule: string }, zeroSnrEpsilon = true): TrainingSchedule {
  const n = c.number('num_train_timesteps', 1000);
  const trained = c.numberArray('trained_betas');
  const start = c.number('beta_start', defaults.betaStart);
  const end = c.number('beta_end', defaults.betaEnd);
  const schedule = c.string('beta_schedule', defaults.betaSchedule);
  const rescale = c.bool('rescale_betas_zero_snr', false);
  const key = JSON.stringify([n, trained, start, end, schedule, rescale, zeroSnrEpsilon]);
  const cached = scheduleCache.get(key);
  if (cached) return cached;
  let betas: Float32Array;
  if (trained) betas = Float32Array.from(trained);
  else if (schedule === 'linear') betas = torchLinspaceF32(start, end, n);
  else if (schedule === 'scaled_linear') betas = torchLinspaceF32(start ** 0.5, end ** 0.5, n).map((b) => f32(b * b));
  else if (schedule === 'squaredcos_cap_v2') betas = cosineBetas(n);
  else throw new Error(`scheduler_config.json: beta_schedule '${schedule}' is not supported; expected linear, scaled_linear or squaredcos_cap_v2`);
  if (rescale) betas = rescaleZeroTerminalSnr(betas);
  const alphasCumprod = cumprodF32(betas.map((b) => f32(1 - b)));
  // diffusers keeps the last value just above zero so sigma stays finite.
  if (rescale && zeroSnrEpsilon) alphasCumprod[n - 1] = 2 ** -24;
  const result = { numTrainTimesteps: n, betas, alphasCumprod };
  if (scheduleCache.size > 64) scheduleCache.clear();
  scheduleCache.set(key, result);
  return result;
}

const sigmaCache = new WeakMap<Float32Array, Float32Array>();

/** sigma_t = sqrt((1 − ᾱ_t) / ᾱ_t), in float32, indexed by training timestep (shared; do not modify). */
export function trainingSigmas(alphasCumprod: Float32Array): Float32Array {
  let sigmas = sigmaCache.get(alphasCumprod);
  if (!sigmas) {
    sigmas = alphasCumprod.map((a) => f32(Math.sqrt(f32(f32(1 - a) / a))));
    sigmaCache.set(alphasCumprod, sigmas);
  }
  return sigmas;
}

const logSigmaCache = new WeakMap<Float32Array, Float32Array>();

/** log of trainingSigmas in float32, as numpy's np.log on the float32 array (shared; do not modify). */
export function trainingLogSigmas(alphasCumprod: Float32Array): Float32Array {
  let logs = logSigmaCache.get(alphasCumprod);
  if (!logs) {
    logs = trainingSigmas(alphasCumprod).map((s) => f32(Math.log(s)));
    logSigmaCache.set(alphasCumprod, logs);
  }
  return logs;
}

/** Linear interpolation of dynamic thresholding's quantile (torch.quantile, 'linear'). */
function quantile(sorted: Float32Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Imagen's dynamic thresholding (diffusers' _threshold_sample), per batch item. */
export function thresholdSample(sample: Float32Array, batch: number, ratio: number, maxValue: number): Float32Array {
  const per = sample.length / batch;
  const out = new Float32Array(sample.length);
  for (let b = 0; b < batch; b++) {
    const part = sample.subarray(b * per, (b + 1) * per);
    const sorted = part.map(Math.abs).sort();
    const s = Math.min(maxValue, Math.max(1, quantile(sorted, ratio)));
    for (let k = 0; k < per; k++) out[b * per + k] = Math.min(s, Math.max(-s, part[k]!)) / s;
  }
  return out;
}
