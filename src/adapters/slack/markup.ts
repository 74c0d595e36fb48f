/**
 * Neutral reply markup (`**bold**`, `` `code` ``, `<@userId>`, newlines) to Slack mrkdwn, and the
 * text Slack sends us back (HTML-escaped, sometimes with typographic punctuation) to plain text.
 */

/** Slack's limit for the text of one section block. */
export const SECTION_TEXT_LIMIT = 3000;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Slack requires &, < and > escaped in message text; everything else is literal. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An asterisk from user text would open or close Slack bold (Slack has no escape), so it is shown
 * as the look-alike ∗ (U+2217).
 */
const LITERAL_ASTERISK = '\u2217';

type Mode = 'mrkdwn' | 'plain';

/**
 * One pass over neutral markup: `\x` is a literal x, `**` toggles bold, `` `…` `` is code, `<@id>`
 * a mention; everything else is text. Slack's special characters are escaped.
 */
function convert(text: string, mode: Mode): string {
  let out = '';
  let i = 0;
  const literal = (ch: string) => (ch === '*' ? (mode === 'mrkdwn' ? LITERAL_ASTERISK : '*') : escapeMrkdwn(ch));
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      out += literal(text[i + 1]!);
      i += 2;
      continue;
    }
    if (ch === '*' && text[i + 1] === '*') {
      if (mode === 'mrkdwn') out += '*';
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1 && !text.slice(i + 1, end).includes('\n')) {
        const inner = text.slice(i + 1, end).replace(/\\(.)/g, '$1');
        out += mode === 'mrkdwn' ? '`' + escapeMrkdwn(inner) + '`' : escapeMrkdwn(inner);
        i = end + 1;
        continue;
      }
    }
    if (ch === '<') {
      const m = /^<@([A-Za-z0-9._-]+)>/.exec(text.slice(i, i + 80));
      if (m) {
        out += SLACK_USER_ID.test(m[1]!) ? `<@${m[1]}>` : escapeMrkdwn(m[0]);
        i += m[0].length;
        continue;
      }
    }
    out += ch === '*' ? literal(ch) : escapeMrkdwn(ch);
    i += 1;
  }
  return out;
}

/**
 * Converts neutral markup to Slack mrkdwn: bold becomes `*x*`, code spans and `_italic_` stay,
 * mentions of Slack user ids stay mentions, and any other `<…>` is shown literally.
 */
export function toMrkdwn(text: string): string {
  return convert(text, 'mrkdwn');
}

/** A plain rendering for notifications and fallbacks: markup removed, mentions kept. */
export function toPlainFallback(text: string): string {
  return convert(text, 'plain');
}

/**
 * Splits mrkdwn into pieces of at most `limit` characters, preferring line breaks, never cutting
 * an escape sequence (&amp; …) or a mention in half.
 */
export function splitForSections(mrkdwn: string, limit = SECTION_TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = mrkdwn;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    // Step back out of an entity or a mention.
    const amp = rest.lastIndexOf('&', cut);
    if (amp > cut - 6 && rest.indexOf(';', amp) >= cut) cut = amp;
    const lt = rest.lastIndexOf('<', cut);
    if (lt > cut - 30 && rest.indexOf('>', lt) >= cut) cut = lt;
    if (cut <= 0) cut = limit;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces.filter((p, i) => p.length > 0 || i === 0);
}

/**
 * What the user typed, from a slash command's text: Slack HTML-escapes &, < and >, and desktop
 * clients may turn `--` into a dash and quotes into curly quotes.
 */
export function commandTextFromSlack(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/(^|\s)[\u2014\u2013](?=[A-Za-z])/g, '$1--')
    .replace(/[\u201C\u201D\u201E]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\u00A0/g, ' ')
    .trim();
}
