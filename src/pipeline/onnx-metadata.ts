/**
 * What an .onnx file declares, read straight from its protocol-buffers bytes without onnxruntime:
 * graph inputs and outputs with element types and shapes, the operators it uses, its opsets and
 * external-data files. Weights are skipped by seeking past them, so a 2 GB UNet is described in
 * milliseconds and a gateway that never runs a model still knows every export's feeds.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface OnnxTensorInfo {
  name: string;
  /** onnxruntime-node's element type names: 'float32', 'float16', 'int64', … */
  type: string;
  /** Numbers are fixed sizes, strings are symbolic (dynamic) axes ('' when unnamed). */
  shape: (number | string)[];
}

export interface OnnxMetadata {
  file: string;
  irVersion: number;
  /** Opset versions by domain ('' is the default ai.onnx domain). */
  opsets: Record<string, number>;
  /** Graph inputs a caller must feed (initializers listed as inputs by old exports are left out). */
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  /** Every operator of the main graph as `domain:OpType` ('' domain for ai.onnx), sorted. */
  ops: string[];
  /** Files the weights are stored in beside the model (external data), relative to its folder. */
  externalData: string[];
  /** The model's metadata_props (producer-defined key/value strings). */
  properties: Record<string, string>;
  /**
   * For a graph input used as indices into a stored table (a Gather, directly or through a Cast or
   * Reshape): the table's rows. A text encoder's `input_ids` gives its vocabulary size.
   */
  lookupRows: Record<string, number>;
}

/** Operators that pass indices on unchanged in value, between a graph input and the Gather that uses it. */
const INDEX_PASS_THROUGH = new Set(['Cast', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'View']);

interface NodeLinks {
  op: string;
  inputs: string[];
  outputs: string[];
}

/** The rows of the tables each graph input indexes (see OnnxMetadata.lookupRows). */
function lookupRowsOf(inputs: readonly OnnxTensorInfo[], nodes: readonly NodeLinks[], tableRows: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  const consumers = new Map<string, NodeLinks[]>();
  for (const n of nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  for (const input of inputs) {
    let frontier = [input.name];
    for (let depth = 0; depth < 4 && frontier.length && out[input.name] === undefined; depth++) {
      const next: string[] = [];
      for (const name of frontier) {
        for (const n of consumers.get(name) ?? []) {
          if (n.op === 'Gather' && n.inputs[1] === name && tableRows.has(n.inputs[0]!)) out[input.name] = tableRows.get(n.inputs[0]!)!;
          else if (INDEX_PASS_THROUGH.has(n.op) && n.inputs[0] === name) next.push(...n.outputs);
        }
      }
      frontier = next;
    }
  }
  return out;
}

/** TensorProto.DataType codes → onnxruntime-node names. */
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}

/** Buffered reads at any offset of a file, for walking protobuf fields and seeking past large ones. */
class FileCursor {
  private readonly buffer = Buffer.alloc(64 * 1024);
  private bufferStart = 0;
  private bufferEnd = 0;
  pos = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  private fill(): void {
    this.bufferStart = this.pos;
    this.bufferEnd = this.pos + readSync(this.fd, this.buffer, 0, this.buffer.length, this.pos);
  }

  byte(): number {
    if (this.pos < this.bufferStart || this.pos >= this.bufferEnd) {
      if (this.pos >= this.size) throw new OnnxFormatError('unexpected end of file');
      this.fill();
    }
    return this.buffer[this.pos++ - this.bufferStart]!;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new OnnxFormatError('malformed varint');
  }

  bytes(n: number): Buffer {
    if (this.pos + n > this.size) throw new OnnxFormatError('a field runs past the end of the file');
    const out = Buffer.alloc(n);
    let done = 0;
    while (done < n) {
      if (this.pos >= this.bufferStart && this.pos < this.bufferEnd) {
        const take = Math.min(n - done, this.bufferEnd - this.pos);
        this.buffer.copy(out, done, this.pos - this.bufferStart, this.pos - this.bufferStart + take);
        this.pos += take;
        done += take;
      } else if (n - done > this.buffer.length) {
        const got = readSync(this.fd, out, done, n - done, this.pos);
        if (got === 0) throw new OnnxFormatError('unexpected end of file');
        this.pos += got;
        done += got;
      } else {
        this.fill();
      }
    }
    return out;
  }

  string(n: number): string {
    return this.bytes(n).toString('utf8');
  }

  skip(n: number): void {
    if (this.pos + n > this.size) throw new OnnxFormatError('a field runs past the end of the file');
    this.pos += n;
  }
}

interface Field {
  number: number;
  wire: number;
  /** For length-delimited fields: where the content ends. */
  end: number;
}

/** Calls `on` for each field of the message that ends at `end`; fields `on` does not consume are skipped. */
function eachField(c: FileCursor, end: number, on: (f: Field) => boolean | void): void {
  while (c.pos < end) {
    const tag = c.varint();
    const field: Field = { number: Math.floor(tag / 8), wire: tag & 7, end: 0 };
    const start = c.pos;
    if (field.wire === 2) {
      const length = c.varint();
      field.end = c.pos + length;
      if (field.end > end) throw new OnnxFormatError('a field runs past its message');
    }
    const consumed = on(field) === true;
    if (consumed) {
      if (field.wire === 2) c.pos = field.end;
      continue;
    }
    c.pos = start;
    skipValue(c, field.wire);
  }
  if (c.pos !== end) throw new OnnxFormatError('a message does not end where its length says');
}

function skipValue(c: FileCursor, wire: number): void {
  switch (wire) {
    case 0:
      c.varint();
      return;
    case 1:
      c.skip(8);
      return;
    case 2:
      c.skip(c.varint());
      return;
    case 5:
      c.skip(4);
      return;
    default:
      throw new OnnxFormatError(`unsupported protobuf wire type ${wire}`);
  }
}

function readValueInfo(c: FileCursor, end: number): OnnxTensorInfo {
  const info: OnnxTensorInfo = { name: '', type: 'non-tensor', shape: [] };
  eachField(c, end, (f) => {
    if (f.number === 1 && f.wire === 2) {
      info.name = c.string(f.end - c.pos);
      return true;
    }
    if (f.number === 2 && f.wire === 2) {
      // TypeProto: 1 = tensor_type { 1 = elem_type, 2 = shape { 1 = dim { 1 = dim_value, 2 = dim_param } } }
      eachField(c, f.end, (t) => {
        if (t.number !== 1 || t.wire !== 2) return false;
        eachField(c, t.end, (tt) => {
          if (tt.number === 1 && tt.wire === 0) {
            const code = c.varint();
            info.type = ELEMENT_TYPES[code] ?? `type${code}`;
            return true;
          }
          if (tt.number === 2 && tt.wire === 2) {
            eachField(c, tt.end, (s) => {
              if (s.number !== 1 || s.wire !== 2) return false;
              let dim: number | string = '';
              eachField(c, s.end, (d) => {
                if (d.number === 1 && d.wire === 0) {
                  dim = c.varint();
                  return true;
                }
                if (d.number === 2 && d.wire === 2) {
                  dim = c.string(d.end - c.pos);
                  return true;
                }
                return false;
              });
              info.shape.push(dim);
              return true;
            });
            return true;
          }
          return false;
        });
        return true;
      });
      return true;
    }
    return false;
  });
  return info;
}

/** A StringStringEntryProto (1 = key, 2 = value), as metadata_props and external-data entries are. */
function readStringEntry(c: FileCursor, end: number): [string, string] {
  let key = '';
  let value = '';
  eachField(c, end, (e) => {
    if (e.number === 1 && e.wire === 2) key = c.string(e.end - c.pos);
    else if (e.number === 2 && e.wire === 2) value = c.string(e.end - c.pos);
    else return false;
    return true;
  });
  return [key, value];
}

/** Reads an .onnx file's declarations; throws OnnxFormatError when it is not an ONNX model. */
export function readOnnxMetadata(file: string): OnnxMetadata {
  const fd = openSync(file, 'r');
  try {
    const c = new FileCursor(fd, fstatSync(fd).size);
    const meta: OnnxMetadata = { file, irVersion: 0, opsets: {}, inputs: [], outputs: [], ops: [], externalData: [], properties: {}, lookupRows: {} };
    const nodes: NodeLinks[] = [];
    const tableRows = new Map<string, number>();
    const ops = new Set<string>();
    const initializers = new Set<string>();
    const external = new Set<string>();
    let sawGraph = false;
    eachField(c, c.size, (f) => {
      if (f.number === 1 && f.wire === 0) {
        meta.irVersion = c.varint();
        return true;
      }
      if (f.number === 8 && f.wire === 2) {
        let domain = '';
        let version = 0;
        eachField(c, f.end, (o) => {
          if (o.number === 1 && o.wire === 2) domain = c.string(o.end - c.pos);
          else if (o.number === 2 && o.wire === 0) version = c.varint();
          else return false;
          return true;
        });
        meta.opsets[domain === 'ai.onnx' ? '' : domain] = version;
        return true;
      }
      if (f.number === 14 && f.wire === 2) {
        const [key, value] = readStringEntry(c, f.end);
        if (key) meta.properties[key] = value;
        return true;
      }
      if (f.number !== 7 || f.wire !== 2) return false;
      sawGraph = true;
      eachField(c, f.end, (g) => {
        if (g.wire !== 2) return false;
        switch (g.number) {
          case 1: {
            let opType = '';
            let domain = '';
            const links: NodeLinks = { op: '', inputs: [], outputs: [] };
            eachField(c, g.end, (n) => {
              if (n.number === 1 && n.wire === 2) links.inputs.push(c.string(n.end - c.pos));
              else if (n.number === 2 && n.wire === 2) links.outputs.push(c.string(n.end - c.pos));
              else if (n.number === 4 && n.wire === 2) opType = c.string(n.end - c.pos);
              else if (n.number === 7 && n.wire === 2) domain = c.string(n.end - c.pos);
              else return false;
              return true;
            });
            ops.add(`${domain === 'ai.onnx' ? '' : domain}:${opType}`);
            if (domain === '' || domain === 'ai.onnx') nodes.push({ ...links, op: opType });
            return true;
          }
          case 5: {
            // TensorProto: 1 = dims (repeated int64, packed or not), 8 = name, 13 = external_data.
            const dims: number[] = [];
            let name = '';
            eachField(c, g.end, (t) => {
              if (t.number === 1 && t.wire === 0) {
                dims.push(c.varint());
                return true;
              }
              if (t.number === 1 && t.wire === 2) {
                while (c.pos < t.end) dims.push(c.varint());
                return true;
              }
              if (t.number === 8 && t.wire === 2) {
                name = c.string(t.end - c.pos);
                initializers.add(name);
                return true;
              }
              if (t.number === 13 && t.wire === 2) {
                const [key, value] = readStringEntry(c, t.end);
                if (key === 'location' && value) external.add(value);
                return true;
              }
              return false;
            });
            if (dims.length === 2) tableRows.set(name, dims[0]!);
            return true;
          }
          case 11:
            meta.inputs.push(readValueInfo(c, g.end));
            return true;
          case 12:
            meta.outputs.push(readValueInfo(c, g.end));
            return true;
          default:
            return false;
        }
      });
      return true;
    });
    if (!sawGraph) throw new OnnxFormatError('no graph in the file');
    meta.inputs = meta.inputs.filter((i) => !initializers.has(i.name));
    meta.ops = [...ops].sort();
    meta.externalData = [...external].sort();
    meta.lookupRows = lookupRowsOf(meta.inputs, nodes, tableRows);
    return meta;
  } finally {
    closeSync(fd);
  }
}
