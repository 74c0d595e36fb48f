/**
 * The image safety check: milliseconds per image for the shipped classifier (nsfwjs's MobileNetV2
 * in onnxruntime, 2 threads) at the sizes results come in, and its share of a job's time on the
 * shipped model (a grid of four 64×64 images, each checked), against nsfwjs's own inference on
 * @tensorflow/tfjs's CPU backend on the same pictures.
 */
import { DEFAULT_MODEL_DIR, DEFAULT_SAFETY_MODEL } from '../src/config.js';
import { loadPipeline } from '../src/pipeline/pipeline.js';
import { SafetyClassifier } from '../src/pipeline/safety.js';
import type { RgbImage } from '../src/pipeline/types.js';
import { referenceClassifier } from '../test/fixtures/nsfwjs-reference.js';

function picture(side: number): RgbImage {
  const data = new Uint8Array(side * side * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return { width: side, height: side, data };
}

async function msPer(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - t0) / runs;
}

export default async function bench(): Promise<void> {
  const classifier = await SafetyClassifier.open(DEFAULT_SAFETY_MODEL, { threads: 2 });
  const reference = await referenceClassifier();
  try {
    for (const side of [64, 512, 1024]) {
      const img = picture(side);
      const ours = await msPer(() => classifier.classify(img), 20);
      const theirs = await msPer(() => reference.classify(img), 3);
      console.log(`${side}×${side}: ${ours.toFixed(1)} ms an image (nsfwjs on tfjs-cpu: ${theirs.toFixed(0)} ms, ${(theirs / ours).toFixed(0)}× slower)`);
    }
    const pipeline = await loadPipeline(DEFAULT_MODEL_DIR, { inProcess: true, threads: 2 });
    const job = async () => (await pipeline.generate({ prompt: 'red heart', seed: 1, batch: 4 })).images;
    const images = await job();
    const generate = await msPer(job, 20);
    const check = await msPer(async () => {
      for (const i of images) await classifier.classify(i);
    }, 20);
    console.log(`shipped model, a grid of four 64×64: generating ${generate.toFixed(1)} ms, checking its 4 images ${check.toFixed(1)} ms: ${((100 * check) / (generate + check)).toFixed(0)}% of the job`);
    await pipeline.release();
  } finally {
    await classifier.release();
  }
}
