/**
 * `npm run upscale -- <in.png> --scale 2|4 [--model FILE] --out <out.png>`
 * Upscales any picture with the upscaler code the U1–U4 and Upscale buttons use: the shipped
 * trained ×2 / ×4 model by default, or the ONNX file given (handy for trying a model).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { failWith, integer } from './cli-options.js';
import { DEFAULT_UPSCALERS_DIR, upscalerFilesIn } from '../src/config.js';
import { decodeToRgb, rgbToPng } from '../src/images/png.js';
import { DEVICES, Upscaler, type Device, type UpscaleFactor } from '../src/pipeline/index.js';

const fail = failWith('upscale');

const program = new Command()
  .name('upscale')
  .description('Upscale a picture 2× or 4× with a trained super-resolution model (the one the bot uses).')
  .argument('<in>', 'picture to upscale (PNG, JPEG, WebP; transparency is flattened onto white)')
  .addOption(new Option('-s, --scale <n>', 'how many times larger').choices(['2', '4']).makeOptionMandatory())
  .requiredOption('-o, --out <file>', 'PNG to write')
  .option('-m, --model <file>', `an ESRGAN-style ONNX upscaler (default: UPSCALER_MODEL, else the shipped models in ${DEFAULT_UPSCALERS_DIR})`, process.env.UPSCALER_MODEL || undefined)
  .option('--tile <px>', 'largest tile the model sees at once', integer('tile', 16, 4096))
  .addOption(new Option('--device <name>', 'execution provider').choices([...DEVICES]).default(process.env.PIPELINE_DEVICE || 'cpu'))
  .option('--threads <n>', 'onnxruntime threads (0 = its own choice)', integer('threads', 0, 256), Number(process.env.PIPELINE_THREADS || 0))
  .showHelpAfterError('(run with --help for all options)');

program.action(async (input: string, o: { scale: string; out: string; model?: string; tile?: number; device: string; threads: number }) => {
  const scale = Number(o.scale) as UpscaleFactor;
  const file = resolve(input);
  if (!existsSync(file)) fail(`${file} does not exist.`);
  const image = await decodeToRgb(readFileSync(file)).catch((err: Error) => fail(`${file} is not a picture this can read (${err.message}).`));
  const files = o.model ? [resolve(o.model)] : upscalerFilesIn(DEFAULT_UPSCALERS_DIR);
  if (o.model && !existsSync(files[0]!)) fail(`model ${files[0]} does not exist.`);
  const problems: string[] = [];
  const upscaler = await Upscaler.open(files, { device: o.device as Device, threads: o.threads || undefined, log: (_level, message) => problems.push(message) });
  // A model asked for by name must load; the shipped set falls back to Lanczos with a warning.
  if (o.model && upscaler.models.length === 0) fail(problems[0] ?? `model ${files[0]} did not load.`);
  for (const p of problems) console.error(`upscale: ${p}`);
  const started = performance.now();
  const out = await upscaler.upscale(image, scale, { tile: o.tile });
  const seconds = (performance.now() - started) / 1000;
  const model = upscaler.pick(scale);
  const method = model ? `${model.name}${model.scale !== scale ? ` (a ×${model.scale} model, resized to ×${scale} with Lanczos)` : ''}` : 'Lanczos (no upscaler model loaded)';
  await upscaler.release();
  const target = resolve(o.out);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, await rgbToPng(out));
  console.log(`${target} (${image.width}×${image.height} → ${out.width}×${out.height}, ${method}, ${seconds.toFixed(2)} s)`);
});

await program.parseAsync();
