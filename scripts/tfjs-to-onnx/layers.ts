/**
 * Reads a TensorFlow.js layers model (model.json and its weight shards, plain or uint8/uint16
 * quantized) and writes it as an ONNX graph in NCHW, for the two kinds of model the bot ships:
 * upscalers (UpscalerJS's ESRGAN, RGB in [0, 1] in and out) and image classifiers (nsfwjs's
 * MobileNetV2, RGB in [0, 1] of any size in, class scores out). Only the layers these networks
 * use are known; anything else stops the conversion with the layer's name, so a model is
 * converted exactly or not at all.
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

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16'; min: number; scale: number };
}

/** model.json's content: the Keras topology and the manifest of its weight shards. */
export interface TfjsModelJson {
  format?: string;
  modelTopology: { model_config?: { class_name: string; config: unknown } };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export interface TfjsLayersModel {
  layers: KerasLayer[];
  inputs: string[];
  outputs: string[];
  weights: Map<string, { shape: number[]; data: Float32Array }>;
}

/** Parses model.json and its shards from `dir`. */
export function readTfjsLayersModel(dir: string): TfjsLayersModel {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as TfjsModelJson;
  if (json.format !== 'layers-model') throw new Error(`${dir}/model.json is a ${json.format ?? 'unknown'} model, not a TensorFlow.js layers model`);
  return parseTfjsLayersModel(json, (path) => readFileSync(join(dir, path)), dir);
}

/** A layers model from its JSON and a reader of its shards (files, or bundles that carry them). */
export function parseTfjsLayersModel(json: TfjsModelJson, shard: (path: string) => Buffer, where = 'the model'): TfjsLayersModel {
  const modelConfig = json.modelTopology.model_config;
  if (!modelConfig || (modelConfig.class_name !== 'Functional' && modelConfig.class_name !== 'Model')) {
    throw new Error(`${where} is not a functional Keras model`);
  }
  const config = modelConfig.config as { layers: KerasLayer[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map(shard));
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32') throw new Error(`weight ${w.name} is ${w.dtype}; only float32 weights convert`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(count);
      const q = w.quantization;
      if (!q) {
        for (let i = 0; i < count; i++) data[i] = bytes.readFloatLE(offset + i * 4);
        offset += count * 4;
      } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
        // As TensorFlow.js dequantizes: min + scale × stored value.
        const size = q.dtype === 'uint8' ? 1 : 2;
        for (let i = 0; i < count; i++) data[i] = q.min + q.scale * (size === 1 ? bytes[offset + i]! : bytes.readUInt16LE(offset + i * 2));
        offset += count * size;
      } else {
        throw new Error(`weight ${w.name} is quantized as ${String((q as { dtype: string }).dtype)}; not supported`);
      }
      weights.set(w.name, { shape: w.shape, data });
    }
    if (offset !== bytes.length) throw new Error(`weight shards of ${where} hold ${bytes.length} bytes, the manifest describes ${offset}`);
  }
  return { layers: config.layers, inputs: config.input_layers.map((l) => l[0]), outputs: config.output_layers.map((l) => l[0]), weights };
}

/** A value in the graph, NCHW, with its resolution (1 = input size) and how far its inputs reach. */
interface Value {
  name: string;
  scale: number;
  /** Reach in input pixels (a convolution after an upsampling reaches whole input pixels too); NaN once strides or pooling make it moot. */
  reach: number;
  /** Whether it is still an image (NCHW) rather than a flat vector. */
  spatial: boolean;
}

/** Appends the model's layers to `g`, reading the model's input from `input`; returns its output. */
function convertLayers(g: GraphBuilder, model: TfjsLayersModel, input: Value): Value {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('only models with one input and one output convert');
  const values = new Map<string, Value>([[model.inputs[0]!, input]]);
  const weight = (layer: string, kind: string) => {
    const w = model.weights.get(`${layer}/${kind}`);
    if (!w) throw new Error(`layer ${layer} has no ${kind} in the weights`);
    return w;
  };
  const tensor = (data: Float32Array, dims: number[], name: string) => g.initializer({ dtype: 'float32', dims, values: data }, name);

  for (const layer of model.layers) {
    if (layer.class_name === 'InputLayer') continue;
    const nodes = layer.inbound_nodes;
    if (nodes.length !== 1) throw new Error(`layer ${layer.name} is shared between ${nodes.length} calls; not supported`);
    const ins = nodes[0]!.map(([name]) => {
      const v = values.get(name);
      if (!v) throw new Error(`layer ${layer.name} reads ${name}, which is not computed before it`);
      return v;
    });
    const x = ins[0]!;
    const c = layer.config;
    if (c.data_format !== undefined && c.data_format !== 'channels_last') throw new Error(`layer ${layer.name}: data format ${String(c.data_format)} is not supported`);
    let out: Value;
    switch (layer.class_name) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        const [kh, kw] = c.kernel_size as [number, number];
        const [sh, sw] = c.strides as [number, number];
        const [dh, dw] = (c.dilation_rate as [number, number] | undefined) ?? [1, 1];
        if ((c.groups ?? 1) !== 1) throw new Error(`layer ${layer.name}: grouped convolutions are not supported`);
        if (c.padding !== 'same' && c.padding !== 'valid') throw new Error(`layer ${layer.name}: padding ${String(c.padding)} is not supported`);
        // TensorFlow's 'same' padding depends on the input size once strided; unstrided it puts the odd pixel at the end.
        if (c.padding === 'same' && (sh !== 1 || sw !== 1)) throw new Error(`layer ${layer.name}: strided 'same' padding is not supported`);
        const pad = (k: number, d: number) => {
          const total = c.padding === 'same' ? d * (k - 1) : 0;
          return [Math.floor(total / 2), total - Math.floor(total / 2)] as const;
        };
        const [pt, pb] = pad(kh, dh);
        const [pl, pr] = pad(kw, dw);
        const kernel = weight(layer.name, depthwise ? 'depthwise_kernel' : 'kernel');
        const [, , cin, cout] = kernel.shape as [number, number, number, number];
        // Keras [kh, kw, in, out] → ONNX [out, in, kh, kw]; depthwise [kh, kw, C, mult] → [C × mult, 1, kh, kw], output c × mult + m.
        const w = new Float32Array(kernel.data.length);
        for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) {
          const src = kernel.data[((y * kw + xx) * cin + i) * cout + o]!;
          if (depthwise) w[((i * cout + o) * kh + y) * kw + xx] = src;
          else w[((o * cin + i) * kh + y) * kw + xx] = src;
        }
        const outChannels = depthwise ? cin * cout : cout;
        const inputs = [x.name, tensor(w, depthwise ? [outChannels, 1, kh, kw] : [cout, cin, kh, kw], `${layer.name}.weight`)];
        if (c.use_bias !== false) inputs.push(tensor(weight(layer.name, 'bias').data, [outChannels], `${layer.name}.bias`));
        const conv = g.op('Conv', inputs, { kernel_shape: [kh, kw], pads: [pt, pl, pb, pr], dilations: [dh, dw], strides: [sh, sw], ...(depthwise ? { group: cin } : {}) });
        const strided = sh !== 1 || sw !== 1;
        out = { name: activation(g, conv, c.activation, layer.name), scale: x.scale, reach: strided ? NaN : x.reach + Math.ceil(Math.max(pt, pb, pl, pr) / x.scale), spatial: true };
        break;
      }
      case 'BatchNormalization': {
        if (c.axis !== -1 && c.axis !== 3 && !(Array.isArray(c.axis) && c.axis.length === 1 && (c.axis[0] === 3 || c.axis[0] === -1))) {
          throw new Error(`layer ${layer.name}: normalisation along axis ${JSON.stringify(c.axis)} is not supported`);
        }
        const mean = weight(layer.name, 'moving_mean');
        const n = mean.shape[0]!;
        const gamma = c.scale === false ? new Float32Array(n).fill(1) : weight(layer.name, 'gamma').data;
        const beta = c.center === false ? new Float32Array(n) : weight(layer.name, 'beta').data;
        const name = g.op(
          'BatchNormalization',
          [x.name, tensor(gamma, [n], `${layer.name}.gamma`), tensor(beta, [n], `${layer.name}.beta`), tensor(mean.data, [n], `${layer.name}.mean`), tensor(weight(layer.name, 'moving_variance').data, [n], `${layer.name}.variance`)],
          { epsilon: { float: c.epsilon as number } },
        );
        out = { ...x, name };
        break;
      }
      case 'ReLU': {
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) throw new Error(`layer ${layer.name}: leaky or thresholded ReLU is not supported`);
        const max = c.max_value as number | null | undefined;
        out = { ...x, name: max == null ? g.op('Relu', [x.name]) : g.op('Clip', [x.name, g.constant(0), g.constant(max)]) };
        break;
      }
      case 'Activation':
        out = { ...x, name: activation(g, x.name, c.activation, layer.name) };
        break;
      case 'Dropout':
        out = x;
        break;
      case 'ZeroPadding2D': {
        const [[t, b], [l, r]] = c.padding as [[number, number], [number, number]];
        out = { ...x, name: g.op('Pad', [x.name, g.int64([0, 0, t, l, 0, 0, b, r])], { mode: 'constant' }), reach: NaN };
        break;
      }
      case 'AveragePooling2D':
      case 'MaxPooling2D': {
        if (c.padding !== 'valid') throw new Error(`layer ${layer.name}: pooling with padding ${String(c.padding)} is not supported`);
        const op = layer.class_name === 'AveragePooling2D' ? 'AveragePool' : 'MaxPool';
        out = { ...x, name: g.op(op, [x.name], { kernel_shape: c.pool_size as number[], strides: (c.strides as number[] | null) ?? (c.pool_size as number[]) }), reach: NaN };
        break;
      }
      case 'Flatten':
        // Keras flattens channels last: bring NCHW back to NHWC first, so a Dense layer after it sees its own order.
        out = { ...x, name: g.op('Flatten', [x.spatial ? g.op('Transpose', [x.name], { perm: [0, 2, 3, 1] }) : x.name], { axis: 1 }), reach: NaN, spatial: false };
        break;
      case 'Dense': {
        if (x.spatial) throw new Error(`layer ${layer.name}: a dense layer on an image needs a Flatten before it`);
        const kernel = weight(layer.name, 'kernel');
        let y = g.op('MatMul', [x.name, tensor(kernel.data, kernel.shape, `${layer.name}.weight`)]);
        if (c.use_bias !== false) y = g.op('Add', [y, tensor(weight(layer.name, 'bias').data, [kernel.shape[1]!], `${layer.name}.bias`)]);
        out = { ...x, name: activation(g, y, c.activation, layer.name) };
        break;
      }
      case 'Concatenate':
      case 'Add': {
        if (ins.some((v) => v.scale !== x.scale)) throw new Error(`layer ${layer.name} joins values of different sizes`);
        const names = ins.map((v) => v.name);
        let name: string;
        if (layer.class_name === 'Add') {
          name = names.reduce((a, b) => g.op('Add', [a, b]));
        } else {
          const axis = c.axis as number;
          if (axis !== 3 && axis !== -1) throw new Error(`layer ${layer.name}: concatenation along axis ${axis} is not supported`);
          name = g.op('Concat', names, { axis: x.spatial ? 1 : -1 });
        }
        out = { ...x, name, reach: Math.max(...ins.map((v) => v.reach)) };
        break;
      }
      case 'UpSampling2D': {
        const [fy, fx] = c.size as [number, number];
        if (c.interpolation !== 'nearest') throw new Error(`layer ${layer.name}: ${String(c.interpolation)} upsampling is not supported`);
        if (fy !== fx) throw new Error(`layer ${layer.name}: uneven upsampling ${fy}×${fx}`);
        const name = g.op('Resize', [x.name, '', g.constant([1, 1, fy, fx])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
        out = { ...x, name, scale: x.scale * fy };
        break;
      }
      default:
        throw new Error(`layer ${layer.name} is a ${layer.class_name}, which the converter does not know`);
    }
    values.set(layer.name, out);
  }
  return values.get(model.outputs[0]!)!;
}

export interface UpscalerConversion {
  graph: GraphBuilder;
  /** The model's whole-number scale (output size ÷ input size). */
  scale: number;
  /** How many input pixels around a pixel can change its output: the overlap tiles need to match one whole-image run. */
  context: number;
}

/**
 * Converts an upscaler whose input and output are RGB in `inputRange` / `outputRange` (UpscalerJS
 * model definitions state them) into a graph taking and giving RGB in [0, 1].
 */
export function convertUpscaler(model: TfjsLayersModel, ranges: { inputRange: [number, number]; outputRange: [number, number] }): UpscalerConversion {
  const g = new GraphBuilder('upscaler');
  const input = g.input('input', 'float32', ['batch', 3, 'height', 'width']);
  const result = convertLayers(g, model, { name: rescale(g, input, [0, 1], ranges.inputRange), scale: 1, reach: 0, spatial: true });
  if (!Number.isInteger(result.scale) || result.scale < 2 || !Number.isFinite(result.reach)) throw new Error(`the model's output is ${result.scale}× its input; not an upscaler`);
  g.output(rescale(g, result.name, ranges.outputRange, [0, 1]), 'output', 'float32', ['batch', 3, 'out_height', 'out_width']);
  return { graph: g, scale: result.scale, context: result.reach };
}

/**
 * Converts an image classifier trained at `size`×`size` into a graph that takes RGB in [0, 1] of
 * any size (`image`, NCHW), resizes it bilinearly with aligned corners as tf.image.resizeBilinear
 * does, and gives the class scores (`scores`, [batch, classes]).
 */
export function convertClassifier(model: TfjsLayersModel, size: number): GraphBuilder {
  const g = new GraphBuilder('classifier');
  const image = g.input('image', 'float32', [1, 3, 'height', 'width']);
  const resized = g.op('Resize', [image, '', '', g.int64([1, 3, size, size])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
  const result = convertLayers(g, model, { name: resized, scale: 1, reach: 0, spatial: true });
  if (result.spatial) throw new Error('the model gives an image, not class scores');
  g.output(result.name, 'scores', 'float32', [1, 'classes']);
  return g;
}

function activation(g: GraphBuilder, x: string, kind: unknown, layer: string): string {
  if (kind === undefined || kind === 'linear') return x;
  if (kind === 'relu') return g.op('Relu', [x]);
  if (kind === 'softmax') return g.op('Softmax', [x], { axis: -1 });
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
