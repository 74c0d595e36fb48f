/** The playground page says its own words through the catalogue: every t('…') in app.js and data-i18n in index.html is a UI text, and each UI text is used. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UI_TEXT, uiText } from '../../src/adapters/web/ui-text.js';
import { PROJECT_ROOT } from '../../src/config.js';

const STATIC = join(PROJECT_ROOT, 'src', 'adapters', 'web', 'static');

describe('the playground page’s words', () => {
  it('are all in the UI text list, and every entry is used', () => {
    const js = readFileSync(join(STATIC, 'app.js'), 'utf8');
    const html = readFileSync(join(STATIC, 'index.html'), 'utf8');
    const fromJs = [...js.matchAll(/\bt\((['"])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2]!.replace(/\\(.)/g, '$1'));
    const fromHtml = [...html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]*)"/g)].map((m) => m[1]!);
    const used = new Set([...fromJs, ...fromHtml]);
    expect([...used].filter((k) => !UI_TEXT.includes(k))).toEqual([]);
    expect(UI_TEXT.filter((k) => !used.has(k))).toEqual([]);
  });

  it('comes in German for a German browser, and not at all for an English one', () => {
    expect(uiText('en')).toEqual({});
    const de = uiText('de');
    expect(Object.keys(de)).toHaveLength(UI_TEXT.length);
    expect(de['Send']).not.toBe('Send');
  });
});
