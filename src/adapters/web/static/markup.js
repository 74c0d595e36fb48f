// The bot's neutral markup, parsed into a small tree the page turns into DOM nodes (never HTML):
// **bold**, _italic_, `code`, <@userId> mentions, newlines as they are, and backslash escapes
// of the special characters in user text (\* \_ \` \< \> \~ \| \\).

const ESCAPABLE = new Set(['\\', '*', '`', '<', '>', '_', '~', '|']);
const WORD = /[\p{L}\p{N}]/u;

/**
 * @param {string} text
 * @returns {import('./markup.d.ts').MarkupNode[]}
 */
export function parseMarkup(text) {
  const out = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && ESCAPABLE.has(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '*' && text[i + 1] === '*') {
      const end = findClosing(text, i + 2, '**');
      if (end > i + 2) {
        flush();
        out.push({ type: 'bold', children: parseMarkup(text.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if (c === '_' && !WORD.test(text[i - 1] ?? '')) {
      const end = findClosing(text, i + 1, '_');
      if (end > i + 1 && !WORD.test(text[end + 1] ?? '')) {
        flush();
        out.push({ type: 'italic', children: parseMarkup(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ type: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (c === '<' && text[i + 1] === '@') {
      const m = /^<@([^<>\s\\]{1,100})>/.exec(text.slice(i, i + 104));
      if (m) {
        flush();
        out.push({ type: 'mention', userId: m[1] });
        i += m[0].length;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

/** Index of the next unescaped `marker` from `from`, or -1. */
function findClosing(text, from, marker) {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\' && ESCAPABLE.has(text[j + 1])) {
      j++;
      continue;
    }
    if (text.startsWith(marker, j)) return j;
  }
  return -1;
}
