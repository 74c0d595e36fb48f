/**
 * Upscaling: trained super-resolution models (ESRGAN-style ONNX files: RGB in [0, 1], NCHW,
 * output = input × the model's scale) run in overlapping tiles, with Lanczos only when no model
 * loads. The bot ships converted UpscalerJS models in models/upscalers/ (×2 and ×4); a deployer's
 * UPSCALER_MODEL replaces them. The buttons and `npm run upscale` both come through here.
 */
import { basename } from 'node:path';
import sharp from 'sharp';
import { readOnnxMetadata } from './onnx-metadata.js';
import { ModelSession, readFloat, type SessionOptions } from './onnx-session.js';
import { GenerationCancelledError, type RgbImage } from './types.js';

export type UpscaleFactor = 2 | 4;

/** Lanczos resampling through sharp (libvips), the fallback when no upscaler model loads. */
export async function lanczosResize(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export interface TileOptions {
  /** Largest input tile the model sees (a model with a fixed input size uses that size). */
  tile?: number;
  /** Context pixels around each tile's kept centre; a model that declares its context uses that. */
  overlap?: number;
  /**
   * Pixels of the picture's border repeated around it while the model runs (cut off after). The
   * models zero-pad at the picture's edge, which darkens its outer rows; Upscaler uses EDGE_PADDING.
   */
  edge?: number;
  /** Checked between tiles: a cancelled job stops without finishing the picture. */
  cancelled?: () => boolean;
}

/** The border Upscaler repeats around a picture: enough that a white picture stays white to its edge. */
export const EDGE_PADDING = 8;

/** Copies a window of the image into NCHW floats in [0, 1], repeating edge pixels past the border. */
function windowTensor(image: RgbImage, x0: number, y0: number, w: number, h: number): Float32Array {
  const plane = w * h;
  const x = new Float32Array(plane * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, y0 + y));
    for (let xx = 0; xx < w; xx++) {
      const sx = Math.min(image.width - 1, Math.max(0, x0 + xx));
      const src = (sy * image.width + sx) * 3;
      const dst = y * w + xx;
      x[dst] = image.data[src]! / 255;
      x[plane + dst] = image.data[src + 1]! / 255;
      x[2 * plane + dst] = image.data[src + 2]! / 255;
    }
  }
  return x;
}

/** Along one axis: the windows the model sees (`start`, `size`) and the part of each that is kept (`from`–`to`). */
interface Span {
  start: number;
  size: number;
  from: number;
  to: number;
}

/**
 * Cuts an axis of `length` into windows of `tile` whose kept cores partition it. Each core has
 * `overlap` pixels of real picture around it (or the picture's own border), and windows stay
 * inside the picture where they can, so the model sees true borders, as in one whole-picture run.
 * A fixed-size model larger than the picture gets one window padded with repeated edge pixels.
 */
function spans(length: number, tile: number, overlap: number, fixed: boolean, edge: number): Span[] {
  // Laid out over the picture with its repeated border, then kept only over the picture itself.
  const padded = length + 2 * edge;
  const shift = (s: Span): Span => ({ start: s.start - edge, size: s.size, from: Math.max(0, s.from - edge), to: Math.min(length, s.to - edge) });
  if (tile >= padded) return [shift({ start: 0, size: fixed ? tile : padded, from: 0, to: padded })];
  const count = Math.ceil(padded / (tile - 2 * overlap));
  const core = Math.ceil(padded / count);
  const out: Span[] = [];
  for (let from = 0; from < padded; from += core) {
    const to = Math.min(padded, from + core);
    out.push(shift({ start: Math.min(Math.max(0, from - overlap), padded - tile), size: tile, from, to }));
  }
  return out.filter((s) => s.from < s.to);
}

/** One ONNX upscaler with what its file declares (our converted models state their scale and context). */
export class UpscalerModel {
  private constructor(
    readonly session: ModelSession,
    /** Output size ÷ input size; undefined until the first run for files that do not say. */
    public scale: number | undefined,
    /** Input pixels around a pixel that can change its output. */
    readonly context: number | undefined,
  ) {}

  static async open(file: string, options: SessionOptions = {}): Promise<UpscalerModel> {
    const props = readOnnxMetadata(file).properties;
    const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
    const session = await ModelSession.open(file, options);
    return new UpscalerModel(session, num(props['imagine.upscaler.scale']), num(props['imagine.upscaler.context']));
  }

  get name(): string {
    return basename(this.session.file);
  }

  /** The picture at the model's own scale, run in overlapping tiles so memory stays bounded. */
  async run(image: RgbImage, options: TileOptions = {}): Promise<RgbImage> {
    const session = this.session;
    const inputName = session.inputs.keys().next().value as string;
    const outputName = session.outputs.keys().next().value as string;
    const fixedH = session.fixedDim(inputName, 2);
    const fixedW = session.fixedDim(inputName, 3);
    const wanted = options.tile ?? 256;
    let overlap = this.context ?? options.overlap ?? 16;
    // A tile keeps at least 32 pixels of its own besides the overlap on both sides.
    let tile = Math.max(wanted, 2 * overlap + 32);
    if (fixedW || fixedH) {
      tile = Math.min(fixedW ?? Infinity, fixedH ?? Infinity);
      overlap = Math.min(overlap, Math.floor(tile / 4));
    }
    const edge = options.edge ?? 0;
    const cols = spans(image.width, fixedW ?? tile, overlap, fixedW !== undefined, edge);
    const rows = spans(image.height, fixedH ?? tile, overlap, fixedH !== undefined, edge);

    let scale = 0;
    let out: Uint8Array | undefined;
    let outW = 0;
    for (const row of rows) {
      for (const col of cols) {
        if (options.cancelled?.()) throw new GenerationCancelledError();
        const input = windowTensor(image, col.start, row.start, col.size, row.size);
        const result = await session.run({ [inputName]: session.floatTensor(inputName, input, [1, 3, row.size, col.size]) }, [outputName], undefined, 'upscaler');
        const t = readFloat(result[outputName]!);
        const [, , th, tw] = t.dims as [number, number, number, number];
        if (!scale) {
          scale = tw / col.size;
          if (!Number.isInteger(scale) || scale < 1 || th !== row.size * scale) {
            throw new Error(`the upscaler ${this.name} turned a ${col.size}×${row.size} tile into ${tw}×${th}; expected a whole-number scale`);
          }
          this.scale ??= scale;
          outW = image.width * scale;
          out = new Uint8Array(outW * image.height * scale * 3);
        }
        const plane = tw * th;
        const offX = (col.from - col.start) * scale;
        const offY = (row.from - row.start) * scale;
        const keepW = (col.to - col.from) * scale;
        const keepH = (row.to - row.from) * scale;
        for (let y = 0; y < keepH; y++) {
          let src = (offY + y) * tw + offX;
          let dst = ((row.from * scale + y) * outW + col.from * scale) * 3;
          for (let x = 0; x < keepW; x++, src++, dst += 3) {
            for (let c = 0; c < 3; c++) {
              const v = t.data[c * plane + src]! * 255;
              out![dst + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
            }
          }
        }
      }
    }
    return { width: outW, height: image.height * scale, data: out! };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export interface UpscalerSetOptions extends SessionOptions {
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** The upscalers a pipeline has: the model of the asked scale when one loaded, Lanczos when none did. */
export class Upscaler {
  private constructor(readonly models: readonly UpscalerModel[]) {}

  /** Opens each file; one that fails to load is reported and left out. */
  static async open(files: readonly string[], options: UpscalerSetOptions = {}): Promise<Upscaler> {
    const models: UpscalerModel[] = [];
    if (files.length === 0) options.log?.('info', 'no upscaler model is configured; upscales use Lanczos');
    for (const file of files) {
      try {
        models.push(await UpscalerModel.open(file, options));
      } catch (err) {
        options.log?.('warn', `upscaler ${file} did not load (${(err as Error).message.split('\n')[0]}); ${files.length > 1 ? 'the others are used' : 'upscaling uses Lanczos'}`);
      }
    }
    return new Upscaler(models);
  }

  /** The model for a factor: the one of that scale, else one whose scale is unknown, else the nearest larger, else the largest. */
  pick(factor: number): UpscalerModel | undefined {
    const m = this.models;
    return (
      m.find((u) => u.scale === factor) ??
      m.find((u) => u.scale === undefined) ??
      [...m].filter((u) => u.scale! > factor).sort((a, b) => a.scale! - b.scale!)[0] ??
      [...m].sort((a, b) => b.scale! - a.scale!)[0]
    );
  }

  /** What `factor` is done with, for logs and the CLI. */
  method(factor: number): string {
    return this.pick(factor)?.name ?? 'Lanczos';
  }

  /** The picture `factor` times larger: the model's own output when its scale is the factor, resized to it otherwise. */
  async upscale(image: RgbImage, factor: UpscaleFactor, options: TileOptions = {}): Promise<RgbImage> {
    if (factor !== 2 && factor !== 4) throw new Error(`upscale factor must be 2 or 4, not ${String(factor)}`);
    const tw = image.width * factor;
    const th = image.height * factor;
    const model = this.pick(factor);
    if (!model) return lanczosResize(image, tw, th);
    const out = await model.run(image, { edge: EDGE_PADDING, ...options });
    return out.width === tw && out.height === th ? out : lanczosResize(out, tw, th);
  }

  async release(): Promise<void> {
    await Promise.all(this.models.map((m) => m.release()));
  }
}
