/**
 * The languages: every message key in the code has a translation in every catalogue, with the same
 * places for its values and well-formed markup; nothing in a catalogue is left over; and a message
 * is said in the reader's language, with user text (prompts) never translated.
 */
import { describe, expect, it } from 'vitest';
import { messageKeys } from '../../scripts/i18n/keys.js';
import { CATALOGUES, languageOf, languageOfHeader, localize, localizeReply, translate } from '../../src/core/i18n.js';
import { bold, code, expand, md, plainText, tr, type TranslatableNode } from '../../src/core/markup.js';

const { keys, untranslatable } = messageKeys();
const places = (text: string) => [...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  it('every message is built so a catalogue can translate it, and is well-formed markup in English', () => {
    expect(untranslatable).toEqual([]);
    expect(keys.size).toBeGreaterThan(300);
    for (const key of keys.keys()) {
      expect(() => expand({ type: 'tr', key, values: places(key).map(() => []) }), key).not.toThrow();
    }
  });

  for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
    it(`${lang}: every key is translated with the same places and well-formed markup, and nothing is left over`, () => {
      const missing = [...keys.keys()].filter((k) => !(k in catalogue));
      expect(missing, `missing in ${lang}`).toEqual([]);
      const stale = Object.keys(catalogue).filter((k) => !keys.has(k));
      expect(stale, `not in the code any more (${lang})`).toEqual([]);
      for (const [key, text] of Object.entries(catalogue)) {
        expect(places(text), `${lang}: places of ${JSON.stringify(key)}`).toEqual(places(key));
        const node: TranslatableNode = { type: 'tr', key, values: places(key).map(() => [{ type: 'text', text: 'x' }]) };
        expect(() => expand(node, text), `${lang}: markup of ${JSON.stringify(text)}`).not.toThrow();
        expect(text.trim(), `${lang}: ${JSON.stringify(key)} is translated`).not.toBe('');
      }
    });
  }
});

describe('saying a message in a language', () => {
  it('reads locales and Accept-Language headers', () => {
    expect(languageOf('de')).toBe('de');
    expect(languageOf('es-419')).toBe('es');
    expect(languageOf('pt-BR')).toBeUndefined();
    expect(languageOfHeader('pt-BR,de-CH;q=0.9,en;q=0.8')).toBe('de');
    expect(languageOfHeader('')).toBeUndefined();
  });

  it('translates templates with their values in place; user text inside them stays as typed', () => {
    const prompt = 'a red heart **not bold**';
    const message = md`Unknown model \`${'big'}\`. Prompt: ${bold(prompt)}`;
    const key = 'Unknown model `{0}`. Prompt: {1}';
    // The German catalogue may word it differently; its places get the same values.
    const german = localize(message, 'de');
    expect(plainText(german)).toContain('big');
    expect(plainText(german)).toContain(prompt);
    expect(plainText(localize(message, 'en'))).toBe('Unknown model `big`. Prompt: a red heart **not bold**');
    expect(translate('de', key)).toBe(CATALOGUES.de[key] ?? key);
    // Markup nested in values is localized too.
    const nested = localize(md`${tr('Steps')}: ${code('4')}`, 'de');
    expect(plainText(nested)).toBe(`${translate('de', 'Steps')}: \`4\``);
  });

  it('says a fixed message in German, and English for a language without that message', () => {
    const reply = localizeReply({ text: [tr('Upscaling is turned off on this server.')], buttons: [[{ id: 'x', label: 'Vary (Region)' }]] }, 'de');
    expect(plainText(reply.text)).toBe(CATALOGUES.de['Upscaling is turned off on this server.']);
    expect(plainText(reply.text)).not.toBe('Upscaling is turned off on this server.');
    // Button labels stay as Midjourney names them.
    expect(reply.buttons![0]![0]!.label).toBe('Vary (Region)');
    expect(plainText(localize([tr('not a message of ours')], 'ja'))).toBe('not a message of ours');
  });
});
