/**
 * `npm run build:upscalers`: converts UpscalerJS's trained ESRGAN models (MIT, from the npm
 * registry) into the ONNX upscalers the bot ships in models/upscalers/. The output is
 * deterministic: the same package versions give the same bytes, and a test checks that the
 * committed files are exactly what this script makes.
 *
 *   npm run build:upscalers -- [--size slim|medium] [--scales 2,4] [--out DIR]
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { convertUpscaler, readTfjsLayersModel } from '../tfjs-to-onnx/layers.js';
import { packageDir } from '../tfjs-to-onnx/packages.js';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The size that ships, chosen by `npm run bench upscale` (README says why). */
export const SHIPPED_SIZE = 'medium';
export const SHIPPED_SCALES = [2, 4] as const;
export const UPSCALERS_DIR = join(ROOT, 'models', 'upscalers');

interface ModelDefinition {
  scale: number;
  inputRange: [number, number];
  outputRange: [number, number];
  meta: { architecture: string; modelFileName: string; size: string };
  _internals: { path: string; name: string; version: string };
}

export function upscalerFileName(size: string, scale: number): string {
  return `esrgan-${size}-x${scale}.onnx`;
}

/** Converts `@upscalerjs/esrgan-<size>`'s ×scale model; returns the ONNX bytes. */
export function convertPackagedModel(size: string, scale: number): { bytes: Uint8Array; context: number; definition: ModelDefinition } {
  const pkg = `@upscalerjs/esrgan-${size}`;
  const definition = require(`${pkg}/${scale}x`) as ModelDefinition;
  const model = readTfjsLayersModel(join(packageDir(pkg, `${scale}x`), dirname(definition._internals.path)));
  const { graph, scale: found, context } = convertUpscaler(model, definition);
  if (found !== scale) throw new Error(`${pkg} ${scale}x turned out to upscale ${found}×`);
  const { model: bytes } = graph.serialize({
    opset: 17,
    producer: 'imagine-bot build:upscalers',
    metadata: {
      'imagine.upscaler.scale': String(scale),
      'imagine.upscaler.context': String(context),
      source: `${definition._internals.name}@${definition._internals.version} ${definition._internals.path} (${definition.meta.modelFileName})`,
      license: 'MIT',
    },
  });
  return { bytes, context, definition };
}

function attribution(size: string, rows: { file: string; definition: ModelDefinition; context: number }[]): string {
  const pkg = `@upscalerjs/esrgan-${size}`;
  return [
    '# Upscalers',
    '',
    `Trained super-resolution models (ESRGAN family, ${rows[0]!.definition.meta.architecture.toUpperCase()} architecture, trained on DIV2K),`,
    `converted to ONNX from the TensorFlow.js models in the npm package \`${pkg}\``,
    `(UpscalerJS by Kevin Scott, MIT licence: see LICENSE in this folder) by \`npm run build:upscalers\`.`,
    'The conversion changes no weight; the only addition maps the pictures from [0, 1] to the',
    "models' own [0, 255] range and back.",
    '',
    '| file | scale | source model | context (px) |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.file} | ×${r.definition.scale} | ${r.definition._internals.path} (${r.definition.meta.modelFileName}) | ${r.context} |`),
    '',
    'Input `input` and output `output` are RGB in [0, 1], NCHW float32, any size. The bot runs them in',
    "tiles that overlap by the context, so a tiled run equals a whole-picture run.",
    '',
  ].join('\n');
}

/** Writes the models of `size` at `scales` with the licence and the attribution into `out`. */
export function buildUpscalers(size: string, scales: readonly number[], out: string): string[] {
  mkdirSync(out, { recursive: true });
  const rows = scales.map((scale) => {
    const file = upscalerFileName(size, scale);
    const { bytes, context, definition } = convertPackagedModel(size, scale);
    writeFileSync(join(out, file), bytes);
    return { file, definition, context };
  });
  copyFileSync(join(packageDir(`@upscalerjs/esrgan-${size}`, `${scales[0]}x`), 'LICENSE'), join(out, 'LICENSE'));
  writeFileSync(join(out, 'README.md'), attribution(size, rows));
  return rows.map((r) => join(out, r.file));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = new Command('build:upscalers')
    .option('--size <size>', 'slim or medium', SHIPPED_SIZE)
    .option('--scales <list>', 'comma-separated scales', SHIPPED_SCALES.join(','))
    .option('--out <dir>', 'output folder', UPSCALERS_DIR)
    .parse()
    .opts<{ size: string; scales: string; out: string }>();
  const files = buildUpscalers(opts.size, opts.scales.split(',').map(Number), resolve(opts.out));
  for (const f of files) console.log(`${f}  ${(readFileSync(f).length / 1e6).toFixed(2)} MB`);
}
