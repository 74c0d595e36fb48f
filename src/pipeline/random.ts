/**
 * torch's CPU random numbers, bit for bit where it matters: `torch.manual_seed(s); torch.randn(shape)`.
 * MT19937 32-bit engine; randn of 16 or more float32 values uses torch's normal_fill (24-bit
 * uniforms, Box–Muller over blocks of 16, the tail block recomputed from fresh uniforms); fewer
 * than 16 values use the scalar normal_distribution<double> (53-bit uniforms, one cached value).
 */
import type { NoiseSource } from './schedulers/types.js';

const N = 624;
const M = 397;

/** The mt19937 engine torch's CPUGeneratorImpl wraps. */
export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed: number | bigint) {
    // torch keeps a 64-bit seed but seeds the engine with its low 32 bits.
    const s = Number(BigInt.asUintN(32, BigInt(seed)));
    this.state[0] = s;
    for (let i = 1; i < N; i++) {
      const prev = this.state[i - 1]!;
      this.state[i] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i) >>> 0;
    }
  }

  private twist(): void {
    const st = this.state;
    for (let i = 0; i < N; i++) {
      const y = (st[i]! & 0x80000000) | (st[(i + 1) % N]! & 0x7fffffff);
      let v = st[(i + M) % N]! ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      st[i] = v >>> 0;
    }
    this.index = 0;
  }

  /** Next 32-bit output. */
  next(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

const TWO_POW_24 = 2 ** 24;
const TWO_POW_53 = 2 ** 53;
const f32 = Math.fround;

/** A seeded generator that draws as a CPU `torch.Generator().manual_seed(seed)` does, call after call. */
export class TorchGenerator implements NoiseSource {
  private readonly engine: Mt19937;
  /** normal_distribution<double> makes two values per draw and keeps the second for the next call. */
  private nextDoubleNormal: number | undefined;

  constructor(readonly seed: number | bigint) {
    this.engine = new Mt19937(seed);
  }

  /** uniform_real_distribution<float>(0, 1): 24 random bits. */
  uniformFloat(): number {
    return (this.engine.next() & 0xffffff) / TWO_POW_24;
  }

  /** uniform_real_distribution<double>(0, 1): 53 bits of a 64-bit draw (first 32-bit output is the high word). */
  uniformDouble(): number {
    const hi = this.engine.next();
    const lo = this.engine.next();
    return ((hi & 0x1fffff) * 2 ** 32 + lo) / TWO_POW_53;
  }

  /** at::normal_distribution<double>(0, 1), torch's path for tensors of fewer than 16 values. */
  normalDouble(): number {
    if (this.nextDoubleNormal !== undefined) {
      const v = this.nextDoubleNormal;
      this.nextDoubleNormal = undefined;
      return v;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** `torch.randn(shape, generator=g)` in float32. */
  randn(shape: readonly number[]): Float32Array {
    const size = shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(size);
    if (size < 16) {
      for (let i = 0; i < size; i++) out[i] = this.normalDouble();
      return out;
    }
    for (let i = 0; i < size; i++) out[i] = this.uniformFloat();
    for (let i = 0; i + 16 <= size; i += 16) normalFill16(out, i);
    if (size % 16 !== 0) {
      // torch redraws the last 16 values (overlapping the previous block) from fresh uniforms.
      const start = size - 16;
      for (let i = 0; i < 16; i++) out[start + i] = this.uniformFloat();
      normalFill16(out, start);
    }
    return out;
  }
}

/** normal_fill_16<float>: Box–Muller pairing value j with value j + 8, in float32 as torch computes it. */
function normalFill16(data: Float32Array, at: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f32(1 - data[at + j]!);
    const u2 = data[at + j + 8]!;
    const radius = f32(Math.sqrt(f32(-2 * f32(Math.log(u1)))));
    const theta = f32(2 * Math.PI * u2);
    data[at + j] = f32(radius * f32(Math.cos(theta)));
    data[at + j + 8] = f32(radius * f32(Math.sin(theta)));
  }
}

export function createTorchGenerator(seed: number | bigint): TorchGenerator {
  return new TorchGenerator(seed);
}

/** `torch.manual_seed(seed); torch.randn(shape)` on CPU, as float32. */
export function torchRandn(seed: number | bigint, shape: readonly number[]): Float32Array {
  return new TorchGenerator(seed).randn(shape);
}
