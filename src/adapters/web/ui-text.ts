/**
 * The playground page's own words (headings, buttons, notices): the page says them through t(…)
 * (app.js) and `data-i18n` attributes (index.html) in the browser's language, from the catalogue
 * entries /api/state sends. English is the text itself; `{0}` is where a value goes.
 */
import { translate, type Language } from '../../core/i18n.js';
import { msg } from '../../core/markup.js';

export const UI_TEXT: readonly string[] = [
  msg('Servers'),
  msg('You'),
  msg('User name'),
  msg('Each tab is a user: open another tab with another name to watch the queue share its turns.'),
  msg('Admin password'),
  msg('Model'),
  msg('Remove the picture'),
  msg('Start from a picture (or paste or drop one here)'),
  msg('Attach a picture'),
  msg('Message'),
  msg('Send'),
  msg('Try:'),
  msg('connecting…'),
  msg('reconnecting…'),
  msg('live'),
  msg('disconnected, retrying…'),
  msg('server unreachable, retrying…'),
  msg('✔ Admin (password accepted)'),
  msg('✔ Admin (local)'),
  msg('Admin actions need the password.'),
  msg('This image is no longer kept by the server.'),
  msg('Marked sensitive: click to show'),
  msg('Cancel'),
  msg('Use this region'),
  msg('Drag a rectangle, or paint with the brush, over the part to change. The rest stays as it is.'),
  msg('▭ Rectangle'),
  msg('🖌️ Brush'),
  msg('Brush size'),
  msg('Clear'),
  msg('Draw over the part of the picture to change first.'),
  msg('📝 Open the form'),
  msg('Dismiss message'),
  msg('👁 Only you can see this ·'),
  msg('Welcome to #general on {0}'),
  msg('Type {0} and press Enter. Everyone in this server sees the result.'),
  msg('pasted picture'),
  msg('{0} — the next /imagine starts from it'),
  msg('The playground server cannot be reached. Is it still running?'),
  msg('The server answered {0}.'),
  msg("Pick a user name first: 1–32 letters, digits, spaces or _ . ' - (in the side bar)."),
  msg('That admin password is wrong; the command ran without admin rights.'),
  msg('Too many wrong admin passwords from this address; wait a minute.'),
  msg('{0}×{1}, {2} steps by default'),
];

/** The page's words in `lang` (nothing for English: the page's own text is English). */
export function uiText(lang: Language): Record<string, string> {
  return lang === 'en' ? {} : Object.fromEntries(UI_TEXT.map((k) => [k, translate(lang, k)]));
}
