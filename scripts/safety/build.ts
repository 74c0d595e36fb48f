/**
 * `npm run build:safety`: converts nsfwjs's MobileNetV2 image classifier (MIT, from the npm
 * registry; classes Drawing, Hentai, Neutral, Porn, Sexy) into the ONNX model the bot checks every
 * result with, in models/safety/. Deterministic: a test checks the committed file is exactly what
 * this script makes from the installed package.
 *
 *   npm run build:safety -- [--out DIR]
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { convertClassifier, parseTfjsLayersModel, type TfjsModelJson } from '../tfjs-to-onnx/layers.js';
import { packageDir, packageVersion } from '../tfjs-to-onnx/packages.js';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SAFETY_DIR = join(ROOT, 'models', 'safety');
export const SAFETY_FILE = 'nsfw-mobilenet-v2.onnx';
/** nsfwjs's classes, in the order of its output. */
export const SAFETY_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;
/** The size nsfwjs resizes every picture to before its MobileNetV2 runs. */
export const SAFETY_INPUT_SIZE = 224;

/** The ONNX bytes of nsfwjs's MobileNetV2: the model bundle and its base64 shard as the package ships them. */
export function convertSafetyModel(): Uint8Array {
  const models = join(packageDir('nsfwjs'), 'dist', 'models', 'mobilenet_v2');
  const json = require(join(models, 'model.min.js')) as TfjsModelJson;
  const model = parseTfjsLayersModel(json, (path) => Buffer.from(require(join(models, `${path}.min.js`)) as string, 'base64'), 'nsfwjs MobileNetV2');
  const graph = convertClassifier(model, SAFETY_INPUT_SIZE);
  return graph.serialize({
    opset: 17,
    producer: 'imagine-bot build:safety',
    metadata: {
      'imagine.classifier.classes': SAFETY_CLASSES.join(','),
      'imagine.classifier.size': String(SAFETY_INPUT_SIZE),
      source: `nsfwjs@${packageVersion('nsfwjs')} dist/models/mobilenet_v2`,
      license: 'MIT',
    },
  }).model;
}

const README = `# Image safety classifier

\`${SAFETY_FILE}\` is nsfwjs's MobileNetV2 classifier (Infinite Red, MIT licence: see LICENSE in this
folder), converted to ONNX from the TensorFlow.js model in the \`nsfwjs\` npm package by
\`npm run build:safety\`. Its uint8-quantized weights are dequantized exactly as TensorFlow.js does
(min + scale × value); nothing else changes.

Input \`image\`: RGB in [0, 1], NCHW float32, any size; the graph resizes it to 224×224 (bilinear,
aligned corners, as nsfwjs does). Output \`scores\`: the softmax over ${SAFETY_CLASSES.join(', ')}.
The bot adds Hentai, Porn and Sexy into one unsafe score and compares it with a server's
\`nsfw_threshold\`.
`;

/** Writes the model, the licence and the attribution into `out`. */
export function buildSafety(out: string): string {
  mkdirSync(out, { recursive: true });
  const file = join(out, SAFETY_FILE);
  writeFileSync(file, convertSafetyModel());
  copyFileSync(join(packageDir('nsfwjs'), 'LICENSE'), join(out, 'LICENSE'));
  writeFileSync(join(out, 'README.md'), README);
  return file;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = new Command('build:safety').option('--out <dir>', 'output folder', SAFETY_DIR).parse().opts<{ out: string }>();
  const file = buildSafety(resolve(opts.out));
  console.log(`${file}  ${(readFileSync(file).length / 1e6).toFixed(2)} MB`);
}
