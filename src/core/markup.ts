/**
 * Message text in a neutral markup: a small tree of text, bold, italic, code and mentions that
 * each adapter renders its own way (Discord markdown, Slack mrkdwn, DOM nodes in the playground).
 * User text is always a text node, so escaping is the renderer's job and a prompt can never fake
 * bold, code or a mention.
 */

export type MarkupNode =
  | { type: 'text'; text: string }
  | { type: 'bold'; children: Markup }
  | { type: 'italic'; children: Markup }
  | { type: 'code'; text: string }
  /** A user of the platform the message goes to (Discord and Slack ping; the playground shows a name). */
  | { type: 'mention'; userId: string }
  /** A link to another message (an http(s) URL, or `#m-<id>` in the playground): its text is plain. */
  | { type: 'link'; text: string; url: string }
  /**
   * A message of ours, to be said in the reader's language (src/core/i18n.ts): `key` is the md
   * template in English with `{0}`, `{1}`… where `values` go. Replies are localized where their
   * reader is known; anything that renders one unlocalized gets the English.
   */
  | TranslatableNode;

export interface TranslatableNode {
  type: 'tr';
  key: string;
  values: Markup[];
}

export type Markup = MarkupNode[];

/** What can go into a message: plain text, a number, or markup. */
export type MarkupPart = string | number | MarkupNode | Markup;

export function toMarkup(part: MarkupPart): Markup {
  if (typeof part === 'string') return part === '' ? [] : [{ type: 'text', text: part }];
  if (typeof part === 'number') return [{ type: 'text', text: String(part) }];
  return Array.isArray(part) ? part : [part];
}

/** Joins parts, merging neighbouring text nodes. */
export function concat(...parts: MarkupPart[]): Markup {
  const out: Markup = [];
  for (const part of parts) {
    for (const node of toMarkup(part)) {
      const last = out[out.length - 1];
      if (node.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + node.text };
      else if (node.type !== 'text' || node.text !== '') out.push(node);
    }
  }
  return out;
}

export const bold = (...parts: MarkupPart[]): MarkupNode => ({ type: 'bold', children: concat(...parts) });
export const italic = (...parts: MarkupPart[]): MarkupNode => ({ type: 'italic', children: concat(...parts) });
export const code = (text: string | number): MarkupNode => ({ type: 'code', text: String(text) });
export const mention = (userId: string): MarkupNode => ({ type: 'mention', userId });
/** A link; a URL that is neither http(s) nor a playground anchor is shown as its text alone. */
export const link = (text: string, url: string): MarkupNode => (/^(https?:\/\/|#m-)[^\s<>|()\]]+$/.test(url) ? { type: 'link', text, url } : { type: 'text', text });

/** Parts with a separator between them. */
export function joinMarkup(parts: readonly MarkupPart[], separator: MarkupPart): Markup {
  return concat(...parts.flatMap((p, i) => (i === 0 ? [p] : [separator, p])));
}

/**
 * A message written as a template: in the literal parts `**…**` is bold and `` `…` `` is code
 * (a code span may hold interpolations); interpolated strings are always plain text.
 *   md`Unknown model \`${name}\`. Try **${other}**.`
 * The literal parts are the message's key in the catalogues of other languages (src/core/i18n/).
 */
export function md(strings: TemplateStringsArray, ...values: MarkupPart[]): Markup {
  return [{ type: 'tr', key: templateKey(strings), values: values.map(toMarkup) }];
}

/** A fixed message of ours (the key is the text itself, md syntax allowed), to be said in the reader's language. */
export function tr(text: string): MarkupNode {
  return { type: 'tr', key: text, values: [] };
}

/** Marks a literal as a message key without changing it: labels and constants that are translated where they are shown. */
export function msg<T extends string>(text: T): T {
  return text;
}

/** `Unknown model \`{0}\`.`: the literal parts with numbered places for the values. */
export function templateKey(strings: readonly string[]): string {
  return strings.map((s, i) => (i === 0 ? s : `{${i - 1}}${s}`)).join('');
}

/** A translatable message as markup, from `template` (its key, or a translation of it with the same places). */
export function expand(node: TranslatableNode, template: string = node.key, values: Markup[] = node.values): Markup {
  const parts = template.split(/\{(\d+)\}/);
  const strings: string[] = [];
  const at: MarkupPart[] = [];
  parts.forEach((part, i) => {
    if (i % 2 === 0) strings.push(part);
    else at.push(values[Number(part)] ?? []);
  });
  return parseTemplate(strings, at);
}

function parseTemplate(strings: readonly string[], values: MarkupPart[]): Markup {
  const root: Markup = [];
  let boldChildren: Markup | undefined;
  let codeText: string | undefined;
  const target = () => boldChildren ?? root;
  const push = (part: MarkupPart) => {
    const t = target();
    t.splice(0, t.length, ...concat(t, part));
  };
  const literal = (s: string) => {
    let plain = '';
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (codeText !== undefined) {
        if (ch === '`') {
          push(code(codeText));
          codeText = undefined;
        } else codeText += ch;
        continue;
      }
      if (ch === '`') {
        push(plain);
        plain = '';
        codeText = '';
      } else if (ch === '*' && s[i + 1] === '*') {
        push(plain);
        plain = '';
        i++;
        if (boldChildren) {
          const children = boldChildren;
          boldChildren = undefined;
          push({ type: 'bold', children });
        } else boldChildren = [];
      } else plain += ch;
    }
    push(plain);
  };
  strings.forEach((s, i) => {
    literal(s);
    if (i < values.length) {
      const v = values[i]!;
      if (codeText !== undefined) codeText += plainText(toMarkup(v));
      else push(v);
    }
  });
  if (codeText !== undefined) throw new Error(`md: unclosed code span in ${strings.join('${}')}`);
  if (boldChildren) throw new Error(`md: unclosed bold in ${strings.join('${}')}`);
  return root;
}

/** The text as a person would type it (logs, stored error messages): code in backticks, no other markup; mentions as @userId. */
export function plainText(markup: Markup | string, userName: (userId: string) => string = (id) => `@${id}`): string {
  if (typeof markup === 'string') return markup;
  let out = '';
  for (const node of markup) {
    switch (node.type) {
      case 'text':
        out += node.text;
        break;
      case 'code':
        out += `\`${node.text}\``;
        break;
      case 'bold':
      case 'italic':
        out += plainText(node.children, userName);
        break;
      case 'mention':
        out += userName(node.userId);
        break;
      case 'link':
        out += node.text;
        break;
      case 'tr':
        out += plainText(expand(node), userName);
        break;
    }
  }
  return out;
}
