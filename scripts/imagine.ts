/**
 * `npm run imagine -- "<prompt>" --seed 42 --steps 20 --out out.png [--model DIR|NAME]`
 * Makes images from the command line with the same pipeline the bot uses.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { decimal, integer } from './cli-options.js';
import sharp from 'sharp';
import { DEFAULT_MODEL_DIR, DEFAULT_UPSCALERS_DIR, upscalerFilesIn } from '../src/config.js';
import { UserError } from '../src/core/errors.js';
import {
  DEVICES,
  GenerationCancelledError,
  ModelLoadError,
  SCHEDULER_NAMES,
  loadPipeline,
  type Device,
  type GenerationRequest,
  type RgbImage,
  type SchedulerName,
} from '../src/pipeline/index.js';

/** A folder as given, else a model of that name in MODELS_DIR (default: the folder of the default model). */
function modelFolder(value: string): string {
  const direct = resolve(value);
  if (existsSync(direct) || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) return direct;
  const named = join(resolve(process.env.MODELS_DIR || dirname(process.env.MODEL_DIR || DEFAULT_MODEL_DIR)), value);
  return existsSync(named) ? named : direct;
}

async function readImage(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

async function writePng(image: RgbImage, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toFile(file);
}

/** out.png for one image; out-<seed>.png for each image of a batch. */
function outputName(out: string, seed: number, batch: number): string {
  if (batch === 1) return out;
  const ext = extname(out) || '.png';
  return join(dirname(out), `${basename(out, ext)}-${seed}${ext}`);
}

const program = new Command()
  .name('imagine')
  .description('Make an image from a text prompt with a Stable-Diffusion-family ONNX model.')
  .argument('<prompt...>', 'what to draw')
  .option('-m, --model <dir>', 'model folder (diffusers ONNX layout), or the name of one in MODELS_DIR (as `npm run model -- list` shows)', process.env.MODEL_DIR || DEFAULT_MODEL_DIR)
  .option('-o, --out <file>', 'PNG to write (a batch writes <name>-<seed>.png)', 'imagine.png')
  .option('-s, --seed <n>', 'seed; image i of a batch uses seed + i (random when omitted)', integer('seed', 0, 2 ** 32 - 1))
  .option('--steps <n>', 'denoising steps (model default when omitted)', integer('steps', 1, 1000))
  .option('-g, --guidance <x>', 'classifier-free guidance scale', decimal('guidance', 0, 30))
  .option('-n, --negative <text>', 'negative prompt: what to avoid')
  .option('-W, --width <px>', 'width in pixels', integer('width', 8, 8192))
  .option('-H, --height <px>', 'height in pixels', integer('height', 8, 8192))
  .option('-b, --batch <n>', 'number of images', integer('batch', 1, 64), 1)
  .addOption(new Option('--sampler <name>', 'sampler (model default when omitted)').choices([...SCHEDULER_NAMES]))
  .option('--init <image>', 'start from this picture (img2img)')
  .option('--strength <x>', 'img2img: how far to move from the start picture, 0..1', decimal('strength', 0.01, 1), 0.75)
  .addOption(new Option('--upscale <factor>', 'upscale the result 2× or 4× afterwards').choices(['2', '4']))
  .addOption(new Option('--device <name>', 'execution provider').choices([...DEVICES]).default(process.env.PIPELINE_DEVICE || 'cpu'))
  .option('--threads <n>', 'onnxruntime threads (0 = its own choice)', integer('threads', 0, 256), Number(process.env.PIPELINE_THREADS || 0))
  .option('-q, --quiet', 'print only the written file names')
  .showHelpAfterError('(run with --help for all options)');

program.action(async (words: string[], o: Record<string, unknown>) => {
  const prompt = words.join(' ');
  const model = modelFolder(String(o.model));
  const quiet = Boolean(o.quiet);
  const say = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  if (!existsSync(model)) {
    console.error(`imagine: model folder ${model} does not exist; pass --model DIR (a diffusers ONNX folder) or the name of a model in MODELS_DIR (npm run model -- list)${model === DEFAULT_MODEL_DIR ? ' or build the default model with npm run build:model' : ''}.`);
    process.exit(1);
  }
  try {
    const pipeline = await loadPipeline(model, {
      inProcess: true,
      device: o.device as Device,
      threads: o.threads as number,
      upscalers: process.env.UPSCALER_MODEL ? [resolve(process.env.UPSCALER_MODEL)] : upscalerFilesIn(DEFAULT_UPSCALERS_DIR),
      log: (level, message) => (level === 'warn' ? console.error(`imagine: ${message}`) : say(message)),
    });
    const request: GenerationRequest = {
      prompt,
      negativePrompt: o.negative as string | undefined,
      seed: o.seed as number | undefined,
      steps: o.steps as number | undefined,
      guidance: o.guidance as number | undefined,
      width: o.width as number | undefined,
      height: o.height as number | undefined,
      batch: o.batch as number,
      scheduler: o.sampler as SchedulerName | undefined,
      onStep: (step, total) => {
        if (!quiet && process.stderr.isTTY) process.stderr.write(`\rstep ${step}/${total}${step === total ? '\n' : ''}`);
      },
    };
    if (o.init) {
      request.initImage = await readImage(String(o.init));
      request.strength = o.strength as number;
    }
    const result = await pipeline.generate(request);
    for (const w of result.warnings) console.error(`imagine: ${w}`);
    const stages = Object.entries(result.timings.stages)
      .map(([stage, t]) => `${stage} ${t.ms.toFixed(0)} ms ×${t.runs}`)
      .join(', ');
    say(`${result.width}×${result.height}, ${result.steps} steps, ${result.scheduler}, guidance ${result.guidance}: ${(result.timings.wallMs / 1000).toFixed(2)} s (${stages})`);
    for (const image of result.images) {
      let out: RgbImage = image;
      if (o.upscale) out = (await pipeline.upscale(image, Number(o.upscale) as 2 | 4)).image;
      const file = outputName(resolve(String(o.out)), image.seed, result.images.length);
      await writePng(out, file);
      console.log(`${file} (seed ${image.seed}, ${out.width}×${out.height})`);
    }
    await pipeline.release();
  } catch (err) {
    if (err instanceof UserError || err instanceof ModelLoadError || err instanceof GenerationCancelledError) {
      console.error(`imagine: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
});

await program.parseAsync();
