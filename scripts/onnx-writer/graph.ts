import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { toFloat16Array } from '../../src/util/float16.js';
import { ProtoWriter } from './protobuf.js';

/** Element types by their onnxruntime-node names, with ONNX's TensorProto.DataType codes. */
export const ONNX_DTYPES = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
} as const;
export type DType = keyof typeof ONNX_DTYPES;

export type Dim = number | string;

export interface TensorData {
  dtype: DType;
  dims: readonly number[];
  /** Values in row-major order; float16 takes ordinary numbers and converts them. */
  values: ArrayLike<number> | ArrayLike<bigint> | readonly boolean[];
}

/** Attribute values; plain numbers are ints when integral, else floats. Wrap to force a kind. */
export type AttrValue =
  | number
  | string
  | readonly number[]
  | { float: number }
  | { floats: readonly number[] }
  | { int: number }
  | { ints: readonly number[] }
  | { tensor: TensorData }
  | { graph: GraphBuilder };

interface NodeDef {
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  domain?: string;
  name: string;
}

interface ValueInfo {
  name: string;
  dtype: DType;
  shape?: readonly Dim[];
}

interface Initializer extends TensorData {
  name: string;
}

export interface SaveOptions {
  opset?: number;
  irVersion?: number;
  /** Initializers of at least this many bytes go into one external data file beside the model. */
  externalDataThreshold?: number;
  /** File name of the external data, relative to the model (default: `<model file>.data`). */
  externalDataFile?: string;
  producer?: string;
  /** Extra opset imports, e.g. { 'com.microsoft': 1 }. */
  extraOpsets?: Record<string, number>;
  /** The model's metadata_props: key/value strings any ONNX reader can show. */
  metadata?: Record<string, string>;
}

const DEFAULT_OPSET = 17;

/**
 * Builds an ONNX graph in code. Each op returns the names of its outputs, so graphs read
 * like straight-line code: `const y = g.op('Add', [x, g.constant(...)])`.
 */
export class GraphBuilder {
  private nodes: NodeDef[] = [];
  private inputs: ValueInfo[] = [];
  private outputs: ValueInfo[] = [];
  private initializers: Initializer[] = [];
  private counter = 0;

  constructor(readonly name = 'graph') {}

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, dtype: DType, shape: readonly Dim[]): string {
    this.inputs.push({ name, dtype, shape });
    return name;
  }

  /** Declares `value` as a graph output called `name` (an Identity is inserted when the names differ). */
  output(value: string, name: string, dtype: DType, shape?: readonly Dim[]): string {
    if (value !== name) this.nodes.push({ opType: 'Identity', inputs: [value], outputs: [name], attrs: {}, name: this.fresh('out') });
    this.outputs.push({ name, dtype, shape });
    return name;
  }

  /** A named weight; `name` is generated when omitted. */
  initializer(data: TensorData, name?: string): string {
    const n = name ?? this.fresh('w');
    this.initializers.push({ ...data, name: n });
    return n;
  }

  constant(values: ArrayLike<number> | number, dtype: DType = 'float32', dims?: readonly number[]): string {
    const arr = typeof values === 'number' ? [values] : values;
    const d = dims ?? (typeof values === 'number' ? [] : [arr.length]);
    return this.initializer({ dtype, dims: d, values: arr });
  }

  int64(values: readonly number[] | number, dims?: readonly number[]): string {
    return this.constant(values as number[] | number, 'int64', dims);
  }

  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, domain?: string): string {
    return this.opN(opType, inputs, 1, attrs, domain)[0]!;
  }

  opN(opType: string, inputs: readonly string[], outputCount: number, attrs: Record<string, AttrValue> = {}, domain?: string): string[] {
    const name = this.fresh(opType.toLowerCase());
    const outputs = Array.from({ length: outputCount }, (_, i) => `${name}_o${i}`);
    this.nodes.push({ opType, inputs: [...inputs], outputs, attrs, domain, name });
    return outputs;
  }

  /** Serialises to an ONNX ModelProto; large initializers optionally into a separate buffer. */
  serialize(options: SaveOptions = {}): { model: Uint8Array; externalData?: Uint8Array } {
    const externalChunks: Uint8Array[] = [];
    let externalOffset = 0;
    const threshold = options.externalDataThreshold;
    const externalFile = options.externalDataFile ?? 'model.onnx.data';
    const writeExternal = (raw: Uint8Array): { offset: number; length: number } => {
      // ORT wants external tensors aligned; 64 bytes is what the onnx python helper pads to for large files.
      const pad = (64 - (externalOffset % 64)) % 64;
      if (pad) {
        externalChunks.push(new Uint8Array(pad));
        externalOffset += pad;
      }
      const at = externalOffset;
      externalChunks.push(raw);
      externalOffset += raw.length;
      return { offset: at, length: raw.length };
    };

    const w = new ProtoWriter();
    w.int(1, options.irVersion ?? 8);
    w.string(2, options.producer ?? 'imagine-bot');
    w.message(7, (gw) => this.writeGraph(gw, (init) => {
      const raw = rawBytes(init);
      if (threshold !== undefined && raw.length >= threshold) return { external: writeExternal(raw), file: externalFile };
      return undefined;
    }));
    w.message(8, (ow) => ow.string(1, '').int(2, options.opset ?? DEFAULT_OPSET));
    for (const [domain, version] of Object.entries(options.extraOpsets ?? {})) {
      w.message(8, (ow) => ow.string(1, domain).int(2, version));
    }
    for (const [key, value] of Object.entries(options.metadata ?? {})) {
      w.message(14, (mw) => mw.string(1, key).string(2, value));
    }
    const model = w.finish();
    if (externalChunks.length === 0) return { model };
    const data = new Uint8Array(externalOffset);
    let off = 0;
    for (const c of externalChunks) {
      data.set(c, off);
      off += c.length;
    }
    return { model, externalData: data };
  }

  /** Writes `path` (and its external data file beside it when any initializer goes external). */
  save(path: string, options: SaveOptions = {}): void {
    mkdirSync(dirname(path), { recursive: true });
    const externalDataFile = options.externalDataFile ?? `${basename(path)}.data`;
    const { model, externalData } = this.serialize({ ...options, externalDataFile });
    writeFileSync(path, model);
    if (externalData) writeFileSync(`${dirname(path)}/${externalDataFile}`, externalData);
  }

  private writeGraph(
    w: ProtoWriter,
    placeExternal: (init: Initializer) => { external: { offset: number; length: number }; file: string } | undefined,
  ): void {
    for (const node of this.nodes) {
      w.message(1, (nw) => {
        for (const i of node.inputs) nw.string(1, i);
        for (const o of node.outputs) nw.string(2, o);
        nw.string(3, node.name);
        nw.string(4, node.opType);
        for (const [key, value] of Object.entries(node.attrs)) nw.message(5, (aw) => writeAttribute(aw, key, value, placeExternal));
        if (node.domain) nw.string(7, node.domain);
      });
    }
    w.string(2, this.name);
    for (const init of this.initializers) w.message(5, (tw) => writeTensor(tw, init, placeExternal(init)));
    for (const v of this.inputs) w.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of this.outputs) w.message(12, (vw) => writeValueInfo(vw, v));
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (tw) =>
    tw.message(1, (tt) => {
      tt.int(1, ONNX_DTYPES[v.dtype]);
      if (v.shape) {
        tt.message(2, (sw) => {
          for (const d of v.shape!) sw.message(1, (dw) => (typeof d === 'number' ? dw.int(1, d) : dw.string(2, d)));
        });
      }
    }),
  );
}

function rawBytes(t: TensorData): Uint8Array {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (t.values.length !== count) throw new Error(`tensor of dims [${t.dims}] needs ${count} values, got ${t.values.length}`);
  const vals = t.values as ArrayLike<number>;
  let typed: ArrayBufferView;
  switch (t.dtype) {
    case 'float32': typed = Float32Array.from(vals); break;
    case 'float64': typed = Float64Array.from(vals); break;
    case 'float16': typed = t.values instanceof Uint16Array ? t.values : toFloat16Array(vals); break;
    case 'int8': typed = Int8Array.from(vals); break;
    case 'uint8': typed = Uint8Array.from(vals); break;
    case 'int16': typed = Int16Array.from(vals); break;
    case 'uint16': typed = Uint16Array.from(vals); break;
    case 'int32': typed = Int32Array.from(vals); break;
    case 'int64': typed = BigInt64Array.from(Array.from(t.values as ArrayLike<number | bigint>, (v) => BigInt(v))); break;
    case 'bool': typed = Uint8Array.from(Array.from(t.values as ArrayLike<number | boolean>, (v) => (v ? 1 : 0))); break;
  }
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

function writeTensor(
  w: ProtoWriter,
  t: Initializer | TensorData,
  external?: { external: { offset: number; length: number }; file: string },
): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ONNX_DTYPES[t.dtype]);
  if ('name' in t) w.string(8, t.name);
  if (external) {
    const entry = (key: string, value: string) => w.message(13, (ew) => ew.string(1, key).string(2, value));
    entry('location', external.file);
    entry('offset', String(external.external.offset));
    entry('length', String(external.external.length));
    w.int(14, 1);
  } else {
    w.bytes(9, rawBytes(t));
  }
}

function writeAttribute(
  w: ProtoWriter,
  name: string,
  value: AttrValue,
  placeExternal: (init: Initializer) => { external: { offset: number; length: number }; file: string } | undefined,
): void {
  w.string(1, name);
  if (typeof value === 'number') {
    if (Number.isInteger(value)) w.int(3, value).int(20, 2);
    else w.float(2, value).int(20, 1);
  } else if (typeof value === 'string') {
    w.string(4, value).int(20, 3);
  } else if (Array.isArray(value)) {
    if (value.every((v) => Number.isInteger(v))) w.packedInts(8, value).int(20, 7);
    else w.packedFloats(7, value).int(20, 6);
  } else if ('float' in value) {
    w.float(2, value.float).int(20, 1);
  } else if ('int' in value) {
    w.int(3, value.int).int(20, 2);
  } else if ('floats' in value) {
    w.packedFloats(7, value.floats).int(20, 6);
  } else if ('ints' in value) {
    w.packedInts(8, value.ints).int(20, 7);
  } else if ('tensor' in value) {
    w.message(5, (tw) => writeTensor(tw, value.tensor)).int(20, 4);
  } else if ('graph' in value) {
    w.message(6, (gw) => (value.graph as unknown as { writeGraph: GraphBuilder['writeGraph'] }).writeGraph(gw, placeExternal)).int(20, 5);
  }
}
