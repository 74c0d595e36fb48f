import { describe, expect, it } from 'vitest';
import { imagineFromImage } from '../../commands/imagine-from-image.js';
import { findCommand } from '../../commands/index.js';
import { FormAnswerError, PendingForms, readFormAnswers, type Form } from '../../src/core/forms.js';
import { plainText } from '../../src/core/markup.js';
import { slackTokenHosts } from '../../src/jobs/image-prompts.js';

const form: Form = {
  title: 'Imagine from this image',
  submitLabel: 'Imagine',
  command: 'imagine',
  options: { image: 'https://cdn.discordapp.com/attachments/1/2/sky.png' },
  fields: [
    { name: 'prompt', label: 'Prompt', required: true, maxLength: 40 },
    { name: 'strength', label: 'Strength', required: false },
  ],
};
const imagine = findCommand('imagine');

function refusal(answers: Record<string, string>): { field: string; text: string } {
  try {
    readFormAnswers(imagine, form, answers);
  } catch (err) {
    if (err instanceof FormAnswerError) return { field: err.field, text: plainText(err.markup) };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('a form’s answers', () => {
  it('become the command’s options, typed by its spec, with the options the form fixed; empty optional boxes are left out', () => {
    expect(readFormAnswers(imagine, form, { prompt: '  a sky --ar 3:2 ', strength: '0.4' })).toEqual({ image: form.options.image, prompt: 'a sky --ar 3:2', strength: 0.4 });
    expect(readFormAnswers(imagine, form, { prompt: 'a sky', strength: '' })).toEqual({ image: form.options.image, prompt: 'a sky' });
  });

  it('are refused with the box they are about: missing, too long, not a number, out of range', () => {
    expect(refusal({ prompt: ' ' })).toEqual({ field: 'prompt', text: 'Prompt is needed.' });
    expect(refusal({ prompt: 'x'.repeat(41) })).toEqual({ field: 'prompt', text: 'Prompt is 41 characters; the limit is 40.' });
    expect(refusal({ prompt: 'a sky', strength: 'lots' })).toEqual({ field: 'strength', text: '`strength` is a number (got `lots`).' });
    expect(refusal({ prompt: 'a sky', strength: '1.5' })).toEqual({ field: 'strength', text: 'Strength is from 0 to 1 (got `1.5`).' });
  });
});

describe('pending forms', () => {
  it('give a form back once, only to the user it was opened for, and not after it has waited too long', () => {
    let now = 1_000_000;
    const forms = new PendingForms(60_000, 100, () => now);
    const id = forms.put(form, 'alice');
    expect(forms.take(id, 'bob')).toBeUndefined();
    expect(forms.take(id, 'alice')).toBe(form);
    expect(forms.take(id, 'alice')).toBeUndefined();
    const late = forms.put(form, 'alice');
    now += 60_001;
    expect(forms.take(late, 'alice')).toBeUndefined();
    expect(id.length + 'form:'.length).toBeLessThanOrEqual(100);
  });

  it('keep at most their limit, the oldest going first', () => {
    const forms = new PendingForms(60_000, 2);
    const ids = [forms.put(form, 'a'), forms.put(form, 'a'), forms.put(form, 'a')];
    expect(ids.map((id) => forms.take(id, 'a') !== undefined)).toEqual([false, true, true]);
  });
});

describe('“Imagine from this image”', () => {
  const services = { settings: { get: async () => ({ image_prompts: true }) } } as never;
  it('asks for a prompt and a strength, keeping the picture’s link for /imagine', async () => {
    const out = await imagineFromImage.execute({ message: { text: '', images: ['https://cdn.discordapp.com/a/b/c.png', 'https://cdn.discordapp.com/a/b/d.png'] }, serverId: 's' } as never, services);
    expect(out.kind).toBe('form');
    if (out.kind !== 'form') return;
    expect(out.form.command).toBe('imagine');
    expect(out.form.options).toEqual({ image: 'https://cdn.discordapp.com/a/b/c.png' });
    expect(out.form.fields.map((f) => f.name)).toEqual(['prompt', 'strength']);
    expect(out.form.title.length).toBeLessThanOrEqual(24);
  });

  it('refuses a message without a picture, and a server with image prompts off', async () => {
    await expect(imagineFromImage.execute({ message: { text: 'hi', images: [] }, serverId: 's' } as never, services)).rejects.toThrow('That message has no picture.');
    const off = { settings: { get: async () => ({ image_prompts: false }) } } as never;
    await expect(imagineFromImage.execute({ message: { text: '', images: ['https://cdn.discordapp.com/x.png'] }, serverId: 's' } as never, off)).rejects.toThrow('Image prompts are turned off on this server.');
  });
});

describe('Slack file hosts that get the bot token', () => {
  it('are Slack’s file host, and SLACK_API_URL’s host only when it is not Slack itself', () => {
    expect(slackTokenHosts('https://slack.com/api/')).toEqual(['files.slack.com']);
    expect(slackTokenHosts('http://127.0.0.1:4567/api/')).toEqual(['files.slack.com', '127.0.0.1:4567']);
    expect(slackTokenHosts(undefined)).toEqual(['files.slack.com']);
  });
});
