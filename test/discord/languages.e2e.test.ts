/**
 * Languages on Discord: commands registered with German (and French, Spanish, Japanese) names and
 * descriptions; a German user's private answers in German; a German server's public messages in
 * German, prompts untouched; /limits language overriding the server's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDiscordMarkdown } from '../../src/adapters/discord/message.js';
import { CATALOGUES, localize } from '../../src/core/i18n.js';
import { md, tr, type Markup } from '../../src/core/markup.js';
import { privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

let bot: Bot;

beforeAll(async () => {
  bot = await startBot();
});

afterAll(async () => {
  await bot?.close();
});

/** A message as Discord shows it to a German reader. */
const german = (markup: Markup) => toDiscordMarkdown(localize(markup, 'de'));

describe('languages on Discord', () => {
  it('registers German, French, Spanish and Japanese names and descriptions for the commands and the message action', () => {
    const commands = bot.fake.commands.get('global')!;
    const byName = (n: string) => commands.find((c) => c.name === n)!;
    expect(byName('settings').name_localizations).toMatchObject({ de: 'einstellungen', fr: 'parametres', 'es-ES': 'ajustes', 'es-419': 'ajustes', ja: '設定' });
    const imagine = byName('imagine');
    expect(imagine.description_localizations?.de).toBe(CATALOGUES.de['Create four images from a text prompt']);
    expect(imagine.description_localizations?.de).not.toBe(imagine.description);
    const prompt = imagine.options!.find((o) => o.name === 'prompt')!;
    expect(prompt.description_localizations?.ja).toBe(CATALOGUES.ja[prompt.description]);
    expect(byName('Imagine from this image').name_localizations?.de).toBe(CATALOGUES.de['Imagine from this image']);
  });

  it('answers a German user in German, privately, wherever the server is', async () => {
    const { fake } = bot;
    const bad = await privateAnswer(fake, fake.slash('imagine', { prompt: 'red heart --steps lots' }, { locale: 'de' }));
    const template = CATALOGUES.de['Invalid `--{0} {1}`: {2}. Example: `{3}`.']!;
    expect(bad.content.startsWith(template.split(/[`{]/)[0]!)).toBe(true);
    expect(bad.content).toContain('`--steps lots`');
    expect(bad.content).not.toContain('Invalid');
    const info = await privateAnswer(fake, fake.slash('info', {}, { locale: 'de' }));
    expect(info.content).toContain(german(md`**Your jobs**`));
    expect(info.content).toContain(german([tr('None queued or running.')]));
    // The same command from an English user stays English.
    const english = await privateAnswer(fake, fake.slash('info', {}, { locale: 'en-US' }));
    expect(english.content).toContain('None queued or running.');
  });

  it('says public messages in the server’s language, and never translates the prompt', async () => {
    const { fake } = bot;
    fake.guild.locale = 'de';
    try {
      const grid = await resultOf(fake, fake.slash('imagine', { prompt: 'red heart, glossy --seed 5 --steps 2' }, { locale: 'en-US' }), 'the German grid');
      expect(grid.content).toContain('**red heart, glossy**');
      expect(grid.content).toContain(german(md`seeds ${'5–8'}`));
      expect(grid.content).not.toContain('seeds 5–8');
      // The server's admins choose another language with /limits language.
      await bot.ts.services.settings.set(fake.guild.id, 'language', 'fr');
      const french = await resultOf(fake, fake.slash('imagine', { prompt: 'blue heart --seed 9 --steps 2' }), 'the French grid');
      expect(french.content).toContain(toDiscordMarkdown(localize(md`seeds ${'9–12'}`, 'fr')));
    } finally {
      fake.guild.locale = undefined;
      await bot.ts.services.settings.reset(fake.guild.id, 'language');
    }
  });
});
