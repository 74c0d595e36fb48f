/**
 * Reads a TensorFlow.js layers model (model.json + weight shards) and turns it into an ONNX
 * graph for the project's upscaler convention: RGB in [0, 1] as NCHW float32 `input`, the
 * enlarged picture in [0, 1] as `output`. Only the layers the super-resolution networks use are
 * known (InputLayer, Conv2D, Activation, Concatenate, Add, UpSampling2D); anything else stops the
 * conversion with the layer's name, so a model is converted exactly or not at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../onnx-writer/graph.js';

interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  /** [[[inboundLayer, nodeIndex, tensorIndex, kwargs], …]] */
  inbound_nodes: [string, number, number, unknown][][];
}

export interface TfjsLayersModel {
  layers: KerasLayer[];
  inputs: string[];
  outputs: string[];
  weights: Map<string, { shape: number[]; data: Float32Array }>;
}

/** Parses model.json and its shards from `dir`. */
export function readTfjsLayersModel(dir: string): TfjsLayersModel {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    format?: string;
    modelTopology: { model_config?: { class_name: string; config: unknown } };
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: unknown }[] }[];
  };
  if (json.format !== 'layers-model') throw new Error(`${dir}/model.json is a ${json.format ?? 'unknown'} model, not a TensorFlow.js layers model`);
  const modelConfig = json.modelTopology.model_config;
  if (!modelConfig || (modelConfig.class_name !== 'Functional' && modelConfig.class_name !== 'Model')) {
    throw new Error(`${dir}/model.json is not a functional Keras model`);
  }
  const config = modelConfig.config as { layers: KerasLayer[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(dir, p))));
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32' || w.quantization) throw new Error(`weight ${w.name} is ${w.quantization ? 'quantized' : w.dtype}; only float32 weights convert`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = bytes.readFloatLE(offset + i * 4);
      offset += count * 4;
      weights.set(w.name, { shape: w.shape, data });
    }
    if (offset !== bytes.length) throw new Error(`weight shards of ${dir} hold ${bytes.length} bytes, the manifest describes ${offset}`);
  }
  return { layers: config.layers, inputs: config.input_layers.map((l) => l[0]), outputs: config.output_layers.map((l) => l[0]), weights };
}

export interface UpscalerConversion {
  graph: GraphBuilder;
  /** The model's whole-number scale (output size ÷ input size). */
  scale: number;
  /** How many input pixels around a pixel can change its output: the overlap tiles need to match one whole-image run. */
  context: number;
}

/** A value in the graph with the resolution it is at (1 = input size) and how far its inputs reach. */
interface Value {
  name: string;
  scale: number;
  /** Reach in input pixels (a convolution after an upsampling reaches whole input pixels too). */
  reach: number;
}

/**
 * Converts an upscaler whose input and output are RGB in `inputRange` / `outputRange` (UpscalerJS
 * model definitions state them) into a graph taking and giving RGB in [0, 1].
 */
export function convertUpscaler(model: TfjsLayersModel, ranges: { inputRange: [number, number]; outputRange: [number, number] }): UpscalerConversion {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('an upscaler has one input and one output');
  const g = new GraphBuilder('upscaler');
  const values = new Map<string, Value>();
  const input = g.input('input', 'float32', ['batch', 3, 'height', 'width']);
  values.set(model.inputs[0]!, { name: rescale(g, input, [0, 1], ranges.inputRange), scale: 1, reach: 0 });

  const weight = (layer: string, kind: 'kernel' | 'bias') => {
    const w = model.weights.get(`${layer}/${kind}`);
    if (!w) throw new Error(`layer ${layer} has no ${kind} in the weights`);
    return w;
  };

  for (const layer of model.layers) {
    if (layer.class_name === 'InputLayer') continue;
    const nodes = layer.inbound_nodes;
    if (nodes.length !== 1) throw new Error(`layer ${layer.name} is shared between ${nodes.length} calls; not supported`);
    const ins = nodes[0]!.map(([name]) => {
      const v = values.get(name);
      if (!v) throw new Error(`layer ${layer.name} reads ${name}, which is not computed before it`);
      return v;
    });
    const c = layer.config;
    let out: Value;
    switch (layer.class_name) {
      case 'Conv2D': {
        const [kh, kw] = c.kernel_size as [number, number];
        const [sh, sw] = c.strides as [number, number];
        const [dh, dw] = (c.dilation_rate as [number, number] | undefined) ?? [1, 1];
        if (sh !== 1 || sw !== 1) throw new Error(`layer ${layer.name}: strided convolutions are not supported`);
        if ((c.groups ?? 1) !== 1) throw new Error(`layer ${layer.name}: grouped convolutions are not supported`);
        if (c.data_format !== 'channels_last') throw new Error(`layer ${layer.name}: data format ${String(c.data_format)} is not supported`);
        const kernel = weight(layer.name, 'kernel');
        const [, , cin, cout] = kernel.shape as [number, number, number, number];
        // Keras [kh, kw, in, out] → ONNX [out, in, kh, kw].
        const w = new Float32Array(kernel.data.length);
        for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) {
          w[((o * cin + i) * kh + y) * kw + x] = kernel.data[((y * kw + x) * cin + i) * cout + o]!;
        }
        // TensorFlow's 'same' padding puts the odd pixel at the end.
        const pad = (k: number, d: number) => {
          const total = c.padding === 'same' ? d * (k - 1) : 0;
          return [Math.floor(total / 2), total - Math.floor(total / 2)] as const;
        };
        if (c.padding !== 'same' && c.padding !== 'valid') throw new Error(`layer ${layer.name}: padding ${String(c.padding)} is not supported`);
        if (c.padding === 'valid' && (kh > 1 || kw > 1)) throw new Error(`layer ${layer.name}: 'valid' padding shrinks the picture; not an upscaler layer`);
        const [pt, pb] = pad(kh, dh);
        const [pl, pr] = pad(kw, dw);
        const inputs = [ins[0]!.name, g.initializer({ dtype: 'float32', dims: [cout, cin, kh, kw], values: w }, `${layer.name}.weight`)];
        if (c.use_bias !== false) inputs.push(g.initializer({ dtype: 'float32', dims: [cout], values: weight(layer.name, 'bias').data }, `${layer.name}.bias`));
        const conv = g.op('Conv', inputs, { kernel_shape: [kh, kw], pads: [pt, pl, pb, pr], dilations: [dh, dw], strides: [1, 1] });
        const v = ins[0]!;
        out = { name: activation(g, conv, c.activation, layer.name), scale: v.scale, reach: v.reach + Math.ceil(Math.max(pt, pb, pl, pr) / v.scale) };
        break;
      }
      case 'Activation':
        out = { ...ins[0]!, name: activation(g, ins[0]!.name, c.activation, layer.name) };
        break;
      case 'Concatenate':
      case 'Add': {
        if (ins.some((v) => v.scale !== ins[0]!.scale)) throw new Error(`layer ${layer.name} joins values of different sizes`);
        const names = ins.map((v) => v.name);
        let name: string;
        if (layer.class_name === 'Add') {
          name = names.reduce((a, b) => g.op('Add', [a, b]));
        } else {
          const axis = c.axis as number;
          if (axis !== 3 && axis !== -1) throw new Error(`layer ${layer.name}: concatenation along axis ${axis} is not supported`);
          name = g.op('Concat', names, { axis: 1 });
        }
        out = { name, scale: ins[0]!.scale, reach: Math.max(...ins.map((v) => v.reach)) };
        break;
      }
      case 'UpSampling2D': {
        const [fy, fx] = c.size as [number, number];
        if (c.interpolation !== 'nearest') throw new Error(`layer ${layer.name}: ${String(c.interpolation)} upsampling is not supported`);
        if (fy !== fx) throw new Error(`layer ${layer.name}: uneven upsampling ${fy}×${fx}`);
        const scales = g.constant([1, 1, fy, fx]);
        const name = g.op('Resize', [ins[0]!.name, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
        out = { name, scale: ins[0]!.scale * fy, reach: ins[0]!.reach };
        break;
      }
      default:
        throw new Error(`layer ${layer.name} is a ${layer.class_name}, which the converter does not know`);
    }
    values.set(layer.name, out);
  }
  const result = values.get(model.outputs[0]!)!;
  if (!Number.isInteger(result.scale) || result.scale < 2) throw new Error(`the model's output is ${result.scale}× its input; not an upscaler`);
  g.output(rescale(g, result.name, ranges.outputRange, [0, 1]), 'output', 'float32', ['batch', 3, 'out_height', 'out_width']);
  return { graph: g, scale: result.scale, context: result.reach };
}

function activation(g: GraphBuilder, x: string, kind: unknown, layer: string): string {
  if (kind === undefined || kind === 'linear') return x;
  if (kind === 'relu') return g.op('Relu', [x]);
  throw new Error(`layer ${layer}: activation ${String(kind)} is not supported`);
}

/** Maps values from range `from` to range `to` (nothing when they are the same). */
function rescale(g: GraphBuilder, x: string, from: [number, number], to: [number, number]): string {
  if (from[0] === to[0] && from[1] === to[1]) return x;
  const k = (to[1] - to[0]) / (from[1] - from[0]);
  let y = g.op('Mul', [x, g.constant(k)]);
  const shift = to[0] - from[0] * k;
  if (shift !== 0) y = g.op('Add', [y, g.constant(shift)]);
  return y;
}
