/**
 * The bot's languages. Messages are written in English in the code (md`…` templates, tr(…) and
 * msg(…) literals); each other language has a catalogue (src/core/i18n/<code>.ts) from the
 * English template to its own, with the same `{0}` places and md syntax. A reply is localized
 * where its reader is known: a private answer in the user's language, a public message in the
 * server's. Prompts are never translated.
 */
import type { Form } from './forms.js';
import { expand, plainText, type Markup, type MarkupNode } from './markup.js';
import type { Reply } from './reply.js';
import de from './i18n/de.js';
import es from './i18n/es.js';
import fr from './i18n/fr.js';
import ja from './i18n/ja.js';

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language by its own name, for menus and /info. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', ja: '日本語' };

export type Catalogue = Readonly<Record<string, string>>;

export const CATALOGUES: Record<Exclude<Language, 'en'>, Catalogue> = { de, fr, es, ja };

/** Discord's locale codes for each language (Discord has one Spanish for Spain and one for Latin America). */
export const DISCORD_LOCALES: Record<Exclude<Language, 'en'>, readonly string[]> = { de: ['de'], fr: ['fr'], es: ['es-ES', 'es-419'], ja: ['ja'] };

/** A supported language from a locale as platforms and browsers give it ('de-DE', 'de', 'pt-BR', 'ja'); undefined for the rest. */
export function languageOf(locale: string | undefined | null): Language | undefined {
  const base = locale?.trim().toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Language) : undefined;
}

/** The best language of an HTTP Accept-Language header (`de-CH,de;q=0.9,en;q=0.8`). */
export function languageOfHeader(header: string | undefined): Language | undefined {
  const ranked = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
      return { tag: tag ?? '', q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const r of ranked) {
    const lang = languageOf(r.tag);
    if (lang) return lang;
  }
  return undefined;
}

/** A message key in `lang` (the key itself, English, when the catalogue lacks it). */
export function translate(lang: Language, key: string): string {
  return lang === 'en' ? key : (CATALOGUES[lang][key] ?? key);
}

/** Markup with every message of ours said in `lang`. */
export function localize(markup: Markup, lang: Language): Markup {
  const out: Markup = [];
  for (const node of markup) out.push(...localizeNode(node, lang));
  return out;
}

function localizeNode(node: MarkupNode, lang: Language): Markup {
  switch (node.type) {
    case 'tr':
      return localize(expand(node, translate(lang, node.key), node.values.map((v) => localize(v, lang))), lang);
    case 'bold':
    case 'italic':
      return [{ type: node.type, children: localize(node.children, lang) }];
    default:
      return [node];
  }
}

/**
 * A reply in `lang`: its text, menus and drawing label. Button labels stay as they are in every
 * language (U1, Vary (Region), Zoom Out 2×…), as Midjourney's do: people and scripts know them by name.
 */
export function localizeReply(reply: Reply, lang: Language): Reply {
  const t = (s: string) => translate(lang, s);
  return {
    ...reply,
    text: localize(reply.text, lang),
    ...(reply.selects
      ? {
          selects: reply.selects.map((s) => ({
            ...s,
            placeholder: t(s.placeholder),
            options: s.options.map((o) => ({ ...o, label: t(o.label), ...(o.description ? { description: t(o.description) } : {}) })),
          })),
        }
      : {}),
    ...(reply.drawing ? { drawing: { ...reply.drawing, label: t(reply.drawing.label) } } : {}),
  };
}

/** A form in `lang`: its title, button and the labels and hints of its fields (never their pre-filled values). */
export function localizeForm(form: Form, lang: Language): Form {
  const t = (s: string) => translate(lang, s);
  return {
    ...form,
    title: t(form.title),
    submitLabel: t(form.submitLabel),
    fields: form.fields.map((f) => ({ ...f, label: t(f.label), ...(f.placeholder ? { placeholder: t(f.placeholder) } : {}) })),
  };
}

/** A message as plain text in `lang`, for the places that take a string (button labels, menu placeholders). */
export function textIn(lang: Language | undefined, markup: Markup): string {
  return plainText(localize(markup, lang ?? 'en'));
}
