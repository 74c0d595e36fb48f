import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/core/jobs.js';
import { parseRecipe, recipeText } from '../../src/core/recipe.js';
import { readPngText, withPngText } from '../../src/images/png.js';

const job = {
  id: 'job_1',
  kind: 'imagine',
  params: { prompt: 'red heart, glossy', negativePrompt: 'blur', model: 'emoji-diffusion', seed: 7, steps: 20, guidance: 7.5, width: 512, height: 768, scheduler: 'euler-a', count: 4 },
  output: { images: [], seeds: [7, 8, 9, 10], width: 512, height: 768, preview: '', previewWidth: 0, previewHeight: 0 },
} as unknown as JobRecord;

describe('the recipe in A1111’s parameters format', () => {
  it('writes the prompt, the negative prompt and the settings line as A1111 does, each image with its own seed', () => {
    expect(recipeText(job, 2)).toBe(
      'red heart, glossy\nNegative prompt: blur\nSteps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 9, Size: 512x768, Model: emoji-diffusion, Job: job_1',
    );
  });

  it('says where a variation came from, with its denoising strength, and quotes values with commas', () => {
    const variation = { ...job, kind: 'variation', params: { ...job.params, model: 'my, model', strength: 0.6, source: { jobId: 'job_0', index: 1 } } } as JobRecord;
    const text = recipeText(variation, 0);
    expect(text).toContain('Model: "my, model", Denoising strength: 0.6, Source job: job_0 #2, Job: job_1');
    expect(parseRecipe(text).fields).toMatchObject({ Model: 'my, model', 'Denoising strength': '0.6', 'Source job': 'job_0 #2', Seed: '7' });
  });

  it('reads A1111’s own infotext (a worked example from its PNG Info), quoted values included', () => {
    const a1111 =
      'masterpiece, a cat\non a sofa\nNegative prompt: lowres, bad anatomy\nugly\n' +
      'Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 3870129154, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: "add_detail: 7c6bad76eb54, x: 1", Version: v1.10.1';
    const parsed = parseRecipe(a1111);
    expect(parsed.prompt).toBe('masterpiece, a cat\non a sofa');
    expect(parsed.negativePrompt).toBe('lowres, bad anatomy\nugly');
    expect(parsed.fields).toEqual({
      Steps: '30',
      Sampler: 'DPM++ 2M',
      'Schedule type': 'Karras',
      'CFG scale': '6.5',
      Seed: '3870129154',
      Size: '512x768',
      'Model hash': '6ce0161689',
      Model: 'v1-5-pruned-emaonly',
      'Lora hashes': 'add_detail: 7c6bad76eb54, x: 1',
      Version: 'v1.10.1',
    });
  });

  it('takes a last line with fewer than three settings as part of the prompt, as A1111 does', () => {
    expect(parseRecipe('a dog\nstyle: oil')).toEqual({ prompt: 'a dog\nstyle: oil', negativePrompt: '', fields: {} });
  });
});

describe('PNG text chunks', () => {
  const png = () => sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).png().toBuffer();

  it('carry the recipe as tEXt, and text outside Latin-1 as iTXt; the picture still decodes to the same pixels', async () => {
    const plain = await png();
    const latin = withPngText(plain, 'parameters', 'café au lait\nSteps: 1, Seed: 2, Size: 4x4');
    const unicode = withPngText(plain, 'parameters', '赤いハート 🫀');
    expect(latin.includes(Buffer.from('tEXtparameters'))).toBe(true);
    expect(unicode.includes(Buffer.from('iTXtparameters'))).toBe(true);
    expect(readPngText(latin)).toEqual({ parameters: 'café au lait\nSteps: 1, Seed: 2, Size: 4x4' });
    expect(readPngText(unicode)).toEqual({ parameters: '赤いハート 🫀' });
    for (const out of [latin, unicode]) {
      expect((await sharp(out).raw().toBuffer()).equals(await sharp(plain).raw().toBuffer())).toBe(true);
    }
  });
});
