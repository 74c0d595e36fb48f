import { describe, expect, it } from 'vitest';
import { decodeButtonId, encodeButtonId, gridButtons, singleImageButtons } from '../../src/core/buttons.js';
import { expandPermutations, imageStrength, leadingLinks, parsePromptParams, readRequestOptions } from '../../src/core/parameters.js';
import { sizeForAspectRatio } from '../../src/pipeline/capabilities.js';

describe('inline prompt parameters', () => {
  it('reads the Midjourney parameters users type and leaves the prompt clean', () => {
    const p = parsePromptParams('a red  heart, glossy --ar 16:9 --seed 123 --no cars, trees --steps 20 --cfg 7.5 --sampler Euler-A');
    expect(p).toEqual({ prompt: 'a red heart, glossy', aspectRatio: '16:9', seed: 123, negative: 'cars, trees', steps: 20, guidance: 7.5, sampler: 'euler-a' });
  });

  it('reads sampler names as A1111 and ComfyUI users type them', () => {
    expect(['euler_a', 'k_euler_a', 'Euler a', 'euler_ancestral'].map((s) => parsePromptParams(`cat --sampler ${s}`).sampler)).toEqual(['euler-a', 'euler-a', 'euler-a', 'euler-a']);
    expect(['DPM++ 2M', 'dpmpp_2m', 'k_dpmpp_2m'].map((s) => parsePromptParams(`cat --sampler ${s}`).sampler)).toEqual(['dpmpp-2m', 'dpmpp-2m', 'dpmpp-2m']);
    expect(parsePromptParams('cat --sampler PLMS').sampler).toBe('pndm');
    expect(readRequestOptions({ prompt: 'cat', sampler: 'k_euler' }).sampler).toBe('euler');
  });

  it('accepts the dash a phone keyboard makes of --', () => {
    expect(parsePromptParams('frog —seed 9').seed).toBe(9);
  });

  it('reduces aspect ratios', () => {
    expect(parsePromptParams('x --ar 32:18').aspectRatio).toBe('16:9');
  });

  it.each([
    ['cat --ar wide', /--ar wide.*width:height/],
    ['cat --ar 9:1', /between 1:4 and 4:1/],
    ['cat --seed -4', /seed is a whole number/],
    ['cat --seed 99999999999', /seed is a whole number/],
    ['cat --steps 0', /steps is a whole number from 1 to 150/],
    ['cat --cfg lots', /guidance/],
    ['cat --sampler magic', /samplers are euler/],
    ['cat --quality 2', /Unknown parameter `--quality`/],
    ['cat --seed', /needs a value/],
    ['cat --seed 1 --seed 2', /given twice/],
  ])('refuses %s with a message naming what is wrong', (text, message) => {
    expect(() => parsePromptParams(text)).toThrow(message);
  });

  it('does not take a hyphenated word for a parameter', () => {
    expect(parsePromptParams('a well-known face--smiling').prompt).toBe('a well-known face--smiling');
  });

  it('sizes an aspect ratio near the native pixel count in multiples the model likes', () => {
    const sd = sizeForAspectRatio('16:9', { width: 512, height: 512 }, { minSize: 64, maxSize: 1536, maxPixels: 1024 * 1024 });
    expect(sd.width % 64).toBe(0);
    expect(sd.height % 64).toBe(0);
    // Within what rounding both sides to multiples of 64 allows (4:3 would be 1.33).
    expect(Math.abs(sd.width / sd.height - 16 / 9)).toBeLessThan(0.1);
    expect(sd.width * sd.height).toBeLessThanOrEqual(512 * 512 * 1.15);
  });
});

describe('button ids', () => {
  it('round-trip action, job and image index within 100 characters', () => {
    for (const row of [...gridButtons('job_ABC-123', 4), ...singleImageButtons('job_ABC-123')]) {
      for (const b of row) {
        expect(b.id.length).toBeLessThanOrEqual(100);
        expect(decodeButtonId(b.id)?.jobId).toBe('job_ABC-123');
      }
    }
    expect(decodeButtonId(encodeButtonId({ action: 'var', jobId: 'j1', index: 2, variant: 'subtle' }))).toEqual({ action: 'var', jobId: 'j1', index: 2, variant: 'subtle' });
  });

  it('lays out U1–U4 with 🔄, then V1–V4, then ℹ️ and 🗑 under a grid', () => {
    const rows = gridButtons('j', 4);
    expect(rows.map((r) => r.map((b) => b.emoji ?? b.label))).toEqual([
      ['U1', 'U2', 'U3', 'U4', '🔄'],
      ['V1', 'V2', 'V3', 'V4'],
      ['ℹ️', '🗑️'],
    ]);
  });

  it('ignores ids it did not make', () => {
    expect(decodeButtonId('foo')).toBeUndefined();
    expect(decodeButtonId('up:../../etc:1')).toBeUndefined();
    expect(decodeButtonId('nuke:j:1')).toBeUndefined();
  });
});

describe('image prompts in the prompt', () => {
  it('takes links at the start (Slack’s <…|label> too), maps --iw to a strength, and refuses --iw without a picture', () => {
    expect(leadingLinks('https://a.example/x.png <https://files.slack.com/y.png|y.png> a cat --iw 2')).toEqual({
      links: ['https://a.example/x.png', 'https://files.slack.com/y.png'],
      rest: 'a cat --iw 2',
    });
    expect(leadingLinks('a cat https://a.example/x.png')).toEqual({ links: [], rest: 'a cat https://a.example/x.png' });
    const r = readRequestOptions({ prompt: 'https://a.example/x.png a cat --iw 2' });
    expect(r).toMatchObject({ prompt: 'a cat', images: ['https://a.example/x.png'], imageWeight: 2 });
    expect([imageStrength({}), imageStrength({ imageWeight: 2 }), imageStrength({ imageWeight: 3 }), imageStrength({ imageWeight: 0 }), imageStrength({ imageWeight: 3, strength: 0.9 })]).toEqual([0.75, 0.5, 0.25, 1, 0.9]);
    expect(readRequestOptions({ prompt: 'a cat', image: 'https://cdn.discordapp.com/a/b/c.png' }).images).toEqual(['https://cdn.discordapp.com/a/b/c.png']);
    expect(() => readRequestOptions({ prompt: 'a cat --strength 0.5' })).toThrow(/are for a picture to start from/);
    expect(() => readRequestOptions({ prompt: 'https://a.example/x.png a cat --strength 1.5' })).toThrow(/the strength is a number from 0 to 1/);
  });
});

describe('Karras sigmas', () => {
  it('are read from A1111’s and ComfyUI’s spellings, and from --schedule', () => {
    expect(['DPM++ 2M Karras', 'dpmpp_2m karras', 'dpmpp_2m_karras', 'dpmpp-2m-karras', 'k_dpmpp_2m_karras'].map((s) => parsePromptParams(`cat --sampler ${s}`).sampler)).toEqual(Array(5).fill('dpmpp-2m-karras'));
    expect(parsePromptParams('cat --sampler Euler Karras').sampler).toBe('euler-karras');
    expect(parsePromptParams('cat --sampler dpmpp_2m --scheduler karras')).toMatchObject({ sampler: 'dpmpp-2m', schedule: 'karras' });
    expect(() => parsePromptParams('cat --schedule exponential')).toThrow('the schedules are karras and normal');
  });
});

describe('permutations', () => {
  it('make one prompt per combination, nested and in parameters too; escaped braces stay', () => {
    expect(expandPermutations('a {red, blue} car --ar {1:1, 16:9}')).toEqual(['a red car --ar 1:1', 'a red car --ar 16:9', 'a blue car --ar 1:1', 'a blue car --ar 16:9']);
    expect(expandPermutations('a {big {red, blue}, small} car')).toEqual(['a big red car', 'a big blue car', 'a small car']);
    expect(expandPermutations('a \\{literal\\} {,shiny} car')).toEqual(['a {literal} car', 'a {literal} shiny car']);
    expect(expandPermutations('no braces {here')).toEqual(['no braces {here']);
  });

  it('are refused past four prompts', () => {
    expect(() => expandPermutations('{a, b, c} {d, e}')).toThrow('at most 4 run at once');
  });
});
