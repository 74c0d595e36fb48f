/**
 * `npm run build:model [-- --out DIR]`: regenerates the default model (models/emoji-diffusion)
 * from the emoji packages. Deterministic: the same packages give the same bytes.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { buildEmojiModel, MODEL_NAME } from './emoji-model/build.js';

const args = process.argv.slice(2);
const outFlag = args.indexOf('--out');
const outDir = outFlag >= 0 && args[outFlag + 1] ? args[outFlag + 1]! : join(PROJECT_ROOT, 'models', MODEL_NAME);
const started = performance.now();
const report = await buildEmojiModel({ outDir, log: (line) => console.log(line) });
console.log(`wrote ${outDir}: ${report.images} images of ${report.concepts} emoji in ${((performance.now() - started) / 1000).toFixed(1)} s`);
