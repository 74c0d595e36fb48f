import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ProviderInfo } from './model-check.js';
import { fromFloat16Array, toFloat16Array } from '../util/float16.js';
import { ModelLoadError } from './errors.js';
import { DEVICES, gpuOnlyOps, type Device } from './providers.js';

export { DEVICES, type Device } from './providers.js';

export interface SessionOptions {
  device?: Device;
  /** intra-op threads; 0 or undefined lets onnxruntime choose. */
  threads?: number;
  /**
   * Let onnxruntime's pool threads spin between runs (its default). Off here: on a small machine the
   * spinning threads take CPU from the bot's event loop and from our own work between steps.
   */
  spinning?: boolean;
  log?: (level: 'info' | 'warn', message: string) => void;
}

export interface TensorInfo {
  name: string;
  type: string;
  /** Numbers are fixed sizes, strings are symbolic (dynamic) axes. */
  shape: readonly (number | string)[];
}

let activity: Int32Array | undefined;

/** A shared counter of sessions running now in this thread, which the thread's owner reads (ThreadedPipeline.busy). */
export function setSessionActivityCounter(counter: SharedArrayBuffer): void {
  activity = new Int32Array(counter);
}

/** Sums the time spent inside session.run per stage, for the overhead benchmark. */
export class RunTimer {
  readonly stages = new Map<string, { ms: number; runs: number }>();
  add(stage: string, ms: number): void {
    const s = this.stages.get(stage) ?? { ms: 0, runs: 0 };
    s.ms += ms;
    s.runs += 1;
    this.stages.set(stage, s);
  }
  totalMs(): number {
    let t = 0;
    for (const s of this.stages.values()) t += s.ms;
    return t;
  }
  toJSON(): Record<string, { ms: number; runs: number }> {
    return Object.fromEntries(this.stages);
  }
}

/** Flat float data plus its shape, in float32 whatever the model's element type. */
export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

/** One ONNX file with its I/O metadata, fed and read in float32 regardless of the export's precision. */
export class ModelSession {
  private constructor(
    readonly file: string,
    readonly session: ort.InferenceSession,
    readonly inputs: Map<string, TensorInfo>,
    readonly outputs: Map<string, TensorInfo>,
    readonly device: Device,
  ) {}

  static async open(file: string, options: SessionOptions = {}): Promise<ModelSession> {
    const wanted = options.device ?? 'cpu';
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      ...(options.spinning ? {} : { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }),
      ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    };
    let device: Device = wanted;
    let session: ort.InferenceSession | undefined;
    if (wanted !== 'cpu' && !supportedBackends().has(wanted)) {
      // onnxruntime-common would silently drop it and run on cpu; say so instead.
      options.log?.('warn', `execution provider '${wanted}' is not built into onnxruntime-node on ${process.platform}-${process.arch} (it has: ${[...supportedBackends()].join(', ')}); falling back to cpu`);
      device = 'cpu';
    } else if (wanted !== 'cpu') {
      try {
        // Fatal-only native logging: a missing provider library is reported once, below, not as a page of native errors.
        session = await ort.InferenceSession.create(file, { ...base, logSeverityLevel: 4, executionProviders: [wanted, 'cpu'] });
      } catch (err) {
        options.log?.('warn', `execution provider '${wanted}' is not available here (${firstLine(err)}); falling back to cpu`);
        device = 'cpu';
      }
    }
    session ??= await ort.InferenceSession.create(file, { ...base, executionProviders: ['cpu'] }).catch((e) => {
      throw describeLoadError(file, e);
    });
    const toInfo = (m: ort.InferenceSession.ValueMetadata): TensorInfo =>
      m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor', shape: [] };
    return new ModelSession(
      file,
      session,
      new Map(session.inputMetadata.map((m) => [m.name, toInfo(m)])),
      new Map(session.outputMetadata.map((m) => [m.name, toInfo(m)])),
      device,
    );
  }

  input(name: string): TensorInfo | undefined {
    return this.inputs.get(name);
  }

  /** The fixed size of an input axis, or undefined when it is dynamic. */
  fixedDim(input: string, axis: number): number | undefined {
    const d = this.inputs.get(input)?.shape[axis];
    return typeof d === 'number' && d > 0 ? d : undefined;
  }

  async run(
    feeds: Record<string, ort.Tensor>,
    outputNames: readonly string[] | undefined,
    timer: RunTimer | undefined,
    stage: string,
  ): Promise<Record<string, ort.Tensor>> {
    const start = performance.now();
    let result: Record<string, ort.Tensor>;
    if (activity) Atomics.add(activity, 0, 1);
    try {
      result = await (outputNames ? this.session.run(feeds, outputNames as string[]) : this.session.run(feeds));
    } catch (err) {
      throw new Error(`the ${stage} model failed in onnxruntime: ${firstLine(err)}`);
    } finally {
      if (activity) Atomics.sub(activity, 0, 1);
    }
    timer?.add(stage, performance.now() - start);
    return result;
  }

  /** A float input in the element type the export declares (float32 or float16). */
  floatTensor(input: string, data: Float32Array, dims: readonly number[]): ort.Tensor {
    const type = this.inputs.get(input)?.type ?? 'float32';
    if (type === 'float16') return float16Tensor(toFloat16Array(data), dims);
    if (type === 'float64') return new ort.Tensor('float64', Float64Array.from(data), dims);
    return new ort.Tensor('float32', data, dims);
  }

  /** An integer or float input in whatever element type the export declares. */
  numberTensor(input: string, values: readonly number[], dims: readonly number[]): ort.Tensor {
    const type = this.inputs.get(input)?.type ?? 'int64';
    switch (type) {
      case 'int64':
        return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))), dims);
      case 'int32':
        return new ort.Tensor('int32', Int32Array.from(values, (v) => Math.trunc(v)), dims);
      case 'float16':
        return float16Tensor(toFloat16Array(values), dims);
      case 'float64':
        return new ort.Tensor('float64', Float64Array.from(values), dims);
      default:
        return new ort.Tensor('float32', Float32Array.from(values), dims);
    }
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

let backends: Set<string> | undefined;

/** Execution providers this onnxruntime-node build knows (cpu, and per platform cuda, webgpu, dml, coreml…). */
export function supportedBackends(): Set<string> {
  backends ??= new Set(ort.listSupportedBackends().map((b) => b.name));
  return backends;
}

/** onnxruntime-node's own execution providers here, as `npm run model -- check` reports them. */
export function installedProviders(): ProviderInfo[] {
  const listed = new Map(ort.listSupportedBackends().map((b) => [b.name, b.bundled]));
  const bindingDir = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  return DEVICES.map((device): ProviderInfo => {
    if (device === 'cpu') return { device, installed: 'yes' };
    if (!listed.has(device)) {
      const only = device === 'dml' ? 'Windows' : device === 'coreml' ? 'macOS' : undefined;
      return { device, installed: 'no', how: only ? `${only} only` : `not in onnxruntime-node for ${process.platform}-${process.arch}` };
    }
    if (device === 'cuda') {
      const present = existsSync(join(bindingDir, 'libonnxruntime_providers_cuda.so')) || existsSync(join(bindingDir, 'onnxruntime_providers_cuda.dll'));
      return present
        ? { device, installed: 'yes' }
        : { device, installed: 'no', how: 'not installed: run ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci on a machine with CUDA 12' };
    }
    return { device, installed: listed.get(device) ? 'untested' : 'no', how: device === 'webgpu' ? 'built in; needs a GPU (Vulkan on Linux), which check does not open' : 'needs its GPU, which check does not open' };
  });
}

export function readFloat(t: ort.Tensor): FloatTensor {
  const dims = [...t.dims];
  if (t.type === 'float32') return { data: t.data as Float32Array, dims };
  // Raw half-precision bits where the runtime has no Float16Array (Node 20, 22), numbers where it has (Node 24).
  if (t.type === 'float16') return { data: t.data instanceof Uint16Array ? fromFloat16Array(t.data) : Float32Array.from(t.data as ArrayLike<number>), dims };
  if (t.type === 'float64') return { data: Float32Array.from(t.data as Float64Array), dims };
  throw new Error(`expected a float output, got ${t.type}`);
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0]!;
}

function describeLoadError(file: string, err: unknown): Error {
  const message = firstLine(err);
  const missing = /Could not find an implementation for (\w+)\(\d+\)/.exec(message)?.[1];
  if (missing) {
    const provider = gpuOnlyOps([`com.microsoft:${missing}`])[0]?.provider;
    const needs = provider ? `only the ${provider} execution provider runs it (an export optimised for NVIDIA GPUs, e.g. by Olive)` : 'no execution provider here runs it';
    return new ModelLoadError(
      `cannot load ${file}: its operator ${missing} has no implementation on the cpu; ${needs}. ` +
        `Use an export made for this device (optimum-cli export onnx), or run it where ${provider ?? 'that provider'} is available (PIPELINE_DEVICE).`,
    );
  }
  return new ModelLoadError(`cannot load ${file}: ${message}`);
}

/**
 * A float16 tensor from raw half-precision bits, on every Node. Where the runtime has Float16Array
 * (Node 24), onnxruntime-common stores the bits as a Float16Array view, and onnxruntime-node 1.30's
 * binding reads such a view's byte length as 0 ("not enough space: expected N, got 0"); the tensor
 * then keeps the Uint16Array it was given, which the binding reads as the same bits.
 * test/pipeline/float16.test.ts holds this to account on each Node the suite runs on.
 */
export function float16Tensor(bits: Uint16Array, dims: readonly number[]): ort.Tensor {
  const t = new ort.Tensor('float16', bits, dims);
  if (!(t.data instanceof Uint16Array)) (t as unknown as { cpuData: Uint16Array }).cpuData = bits;
  return t;
}
