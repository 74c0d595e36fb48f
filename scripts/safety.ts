/**
 * `npm run safety -- <image.png> [--model FILE]`
 * Prints the image safety classifier's scores for a picture as JSON, with the verdict under the
 * default policy (`block` at the default `nsfw_threshold`): the check every result goes through.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { failWith } from './cli-options.js';
import { DEFAULT_SAFETY_MODEL } from '../src/config.js';
import { DEFAULT_NSFW_THRESHOLD, safetyVerdict, unsafeScore } from '../src/core/safety.js';
import { decodeToRgb } from '../src/images/png.js';
import { SafetyClassifier } from '../src/pipeline/index.js';

const fail = failWith('safety');

const program = new Command()
  .name('safety')
  .description(`Score a picture with the image safety classifier; the verdict is the default policy's (block at an unsafe score of ${DEFAULT_NSFW_THRESHOLD}).`)
  .argument('<image>', 'picture to check (PNG, JPEG, WebP)')
  .option('-m, --model <file>', 'an ONNX classifier that names its classes', process.env.SAFETY_MODEL || DEFAULT_SAFETY_MODEL)
  .showHelpAfterError('(run with --help for all options)');

program.action(async (input: string, o: { model: string }) => {
  const file = resolve(input);
  if (!existsSync(file)) fail(`${file} does not exist.`);
  const image = await decodeToRgb(readFileSync(file)).catch((err: Error) => fail(`${file} is not a picture this can read (${err.message}).`));
  const classifier = await SafetyClassifier.open(resolve(o.model)).catch((err: Error) => fail(`the classifier ${o.model} did not load (${err.message.split('\n')[0]}).`));
  const scores = await classifier.classify(image);
  await classifier.release();
  const rounded = Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
  console.log(JSON.stringify({ ...rounded, unsafe: Math.round(unsafeScore(scores) * 1e4) / 1e4, verdict: safetyVerdict(scores) }));
});

await program.parseAsync();
