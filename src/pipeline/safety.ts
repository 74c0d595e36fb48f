/**
 * The image safety classifier: an ONNX classifier (the shipped one is nsfwjs's MobileNetV2,
 * converted by `npm run build:safety`) that scores a picture on its classes. It runs in the
 * pipeline's inference thread beside the diffusion model, so checking a result never blocks
 * the event loop. What the scores mean for a server (block, spoiler, allow) is decided elsewhere.
 */
import sharp from 'sharp';
import { readOnnxMetadata } from './onnx-metadata.js';
import { ModelSession, readFloat, type SessionOptions } from './onnx-session.js';
import { planarFloats } from './rgb.js';
import type { RgbImage } from './types.js';

/** Class name → probability, in the model's class order. */
export type SafetyScores = Record<string, number>;

export class SafetyClassifier {
  private constructor(
    private readonly session: ModelSession,
    readonly classes: readonly string[],
  ) {}

  /** Opens a classifier whose file names its classes (`imagine.classifier.classes` in its metadata). */
  static async open(file: string, options: SessionOptions = {}): Promise<SafetyClassifier> {
    const classes = readOnnxMetadata(file).properties['imagine.classifier.classes']?.split(',');
    if (!classes?.length) throw new Error(`${file} does not name its classes (imagine.classifier.classes)`);
    return new SafetyClassifier(await ModelSession.open(file, options), classes);
  }

  async classify(image: RgbImage): Promise<SafetyScores> {
    const x = planarFloats(image.data, image.width * image.height);
    const input = this.session.inputs.keys().next().value as string;
    const output = this.session.outputs.keys().next().value as string;
    const result = await this.session.run({ [input]: this.session.floatTensor(input, x, [1, 3, image.height, image.width]) }, [output], undefined, 'safety');
    const scores = readFloat(result[output]!).data;
    if (scores.length !== this.classes.length) throw new Error(`the safety classifier gave ${scores.length} scores for ${this.classes.length} classes`);
    return Object.fromEntries(this.classes.map((c, i) => [c, scores[i]!]));
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** CLIPImageProcessor's normalisation, as the safety checker was trained with. */
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/**
 * diffusers' StableDiffusionSafetyChecker as ONNX exports carry it (safety_checker/model.onnx):
 * the picture CLIP-preprocessed (shortest side to 224, bicubic, centre crop, normalised) as
 * `clip_input`, the picture itself in [0, 1] as `images`; `has_nsfw_concepts` says whether it is flagged.
 */
export class DiffusersSafetyChecker {
  private constructor(private readonly session: ModelSession) {}

  static async open(file: string, options: SessionOptions = {}): Promise<DiffusersSafetyChecker> {
    return new DiffusersSafetyChecker(await ModelSession.open(file, options));
  }

  async flagged(image: RgbImage): Promise<boolean> {
    const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(224, 224, { fit: 'cover', position: 'centre', kernel: 'cubic' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const clip = planarFloats(data, 224 * 224, CLIP_MEAN, CLIP_STD);
    const pixels = Float32Array.from(image.data, (v) => v / 255);
    const s = this.session;
    const result = await s.run(
      { clip_input: s.floatTensor('clip_input', clip, [1, 3, 224, 224]), images: s.floatTensor('images', pixels, [1, image.height, image.width, 3]) },
      ['has_nsfw_concepts'],
      undefined,
      'safety checker',
    );
    const out = result.has_nsfw_concepts!;
    return Boolean((out.data as ArrayLike<number | boolean>)[0]);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
