/**
 * The dense linear algebra of the build: large products run through onnxruntime (MatMul on
 * both cores), small decompositions in plain TypeScript. Matrices are row-major Float32Arrays.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../onnx-writer/graph.js';

export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export function matrix(rows: number, cols: number, data?: Float32Array): Matrix {
  const d = data ?? new Float32Array(rows * cols);
  if (d.length !== rows * cols) throw new Error(`matrix ${rows}×${cols} needs ${rows * cols} values, got ${d.length}`);
  return { rows, cols, data: d };
}

function productGraph(transA: boolean): Uint8Array {
  const g = new GraphBuilder(transA ? 'at_b' : 'a_b');
  const a = g.input('a', 'float32', ['m', 'k']);
  const b = g.input('b', 'float32', ['k2', 'n']);
  const at = transA ? g.op('Transpose', [a], { perm: [1, 0] }) : a;
  g.output(g.op('MatMul', [at, b]), 'c', 'float32');
  return g.serialize().model;
}

/** Matrix products on onnxruntime; one instance per build. */
export class OrtMath {
  private constructor(
    private readonly ab: ort.InferenceSession,
    private readonly atb: ort.InferenceSession,
  ) {}

  static async create(threads = 2): Promise<OrtMath> {
    const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] };
    return new OrtMath(await ort.InferenceSession.create(productGraph(false), opts), await ort.InferenceSession.create(productGraph(true), opts));
  }

  /** a·b, or aᵀ·b when transA. */
  async mul(a: Matrix, b: Matrix, transA = false): Promise<Matrix> {
    const inner = transA ? a.rows : a.cols;
    if (inner !== b.rows) throw new Error(`cannot multiply ${transA ? 'transposed ' : ''}${a.rows}×${a.cols} by ${b.rows}×${b.cols}`);
    const session = transA ? this.atb : this.ab;
    const out = await session.run({
      a: new ort.Tensor('float32', a.data, [a.rows, a.cols]),
      b: new ort.Tensor('float32', b.data, [b.rows, b.cols]),
    });
    const c = out.c!;
    return matrix(c.dims[0]!, c.dims[1]!, c.data as Float32Array);
  }

  async release(): Promise<void> {
    await this.ab.release();
    await this.atb.release();
  }
}

/** A seeded generator (mulberry32 + Box–Muller) so every build draws the same numbers. */
export class SeededRandom {
  private state: number;
  private spare: number | undefined;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** Orthonormalises the columns of m in place (modified Gram–Schmidt, twice for stability). */
export function orthonormaliseColumns(m: Matrix): Matrix {
  const { rows, cols, data } = m;
  const col = new Float64Array(rows);
  const basis: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) col[i] = data[i * cols + j]!;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += q[i]! * col[i]!;
        for (let i = 0; i < rows; i++) col[i]! -= dot * q[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += col[i]! * col[i]!;
    norm = Math.sqrt(norm) || 1;
    const q = new Float64Array(rows);
    for (let i = 0; i < rows; i++) q[i] = col[i]! / norm;
    basis.push(q);
    for (let i = 0; i < rows; i++) data[i * cols + j] = q[i]!;
  }
  return m;
}

/** Eigen-decomposition of a small symmetric matrix (cyclic Jacobi); eigenvalues descending, vectors as columns. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!;
          const mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!;
          const mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y * n + y]! - m[x * n + x]!);
  const values = Float64Array.from(order, (i) => m[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    // A fixed sign (largest entry positive) keeps the build deterministic across equal-up-to-sign runs.
    let big = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + src]!) > Math.abs(big)) big = v[k * n + src]!;
    const sign = big < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = sign * v[k * n + src]!;
  });
  return { values, vectors };
}

export interface Pca {
  /** Mean row, length P. */
  mean: Float32Array;
  /** Components as rows: K×P, orthonormal. */
  components: Matrix;
  /** Variance of the data along each component. */
  variances: Float64Array;
  /** Total variance of the data (sum over all P dimensions). */
  totalVariance: number;
}

/**
 * Top-k principal components of the rows of x (N×P) by randomised subspace iteration
 * (Halko, Martinsson & Tropp 2011). x is centred in place.
 */
export async function randomisedPca(math: OrtMath, x: Matrix, k: number, options: { oversample?: number; iterations?: number; seed?: number } = {}): Promise<Pca> {
  const { rows: n, cols: p, data } = x;
  const mean = new Float32Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j]! += data[i * p + j]!;
  for (let j = 0; j < p; j++) mean[j]! /= n;
  let totalVariance = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const v = (data[i * p + j]! -= mean[j]!);
      totalVariance += v * v;
    }
  }
  totalVariance /= n;

  const width = k + (options.oversample ?? 48);
  const rng = new SeededRandom(options.seed ?? 1234);
  const omega = matrix(p, width);
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = rng.normal();
  let q = orthonormaliseColumns(await math.mul(x, omega)); // N×w
  for (let it = 0; it < (options.iterations ?? 3); it++) {
    const z = orthonormaliseColumns(await math.mul(x, q, true)); // P×w
    q = orthonormaliseColumns(await math.mul(x, z)); // N×w
  }
  const b = await math.mul(q, x, true); // w×P
  // Eigenvectors of B·Bᵀ give the left singular vectors of B; components are their projections of B.
  const bbt = new Float64Array(width * width);
  for (let i = 0; i < width; i++) {
    for (let j = i; j < width; j++) {
      let s = 0;
      for (let c = 0; c < p; c++) s += b.data[i * p + c]! * b.data[j * p + c]!;
      bbt[i * width + j] = s;
      bbt[j * width + i] = s;
    }
  }
  const { values, vectors } = symmetricEigen(bbt, width);
  const u = matrix(width, k);
  for (let i = 0; i < width; i++) for (let c = 0; c < k; c++) u.data[i * k + c] = vectors[i * width + c]!;
  const components = await math.mul(u, b, true); // k×P
  for (let c = 0; c < k; c++) {
    const row = components.data.subarray(c * p, (c + 1) * p);
    let norm = 0;
    for (let j = 0; j < p; j++) norm += row[j]! * row[j]!;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < p; j++) row[j]! /= norm;
  }
  const variances = Float64Array.from(values.subarray(0, k), (v) => v / n);
  return { mean, components, variances, totalVariance };
}
