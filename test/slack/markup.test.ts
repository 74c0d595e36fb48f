import { describe, expect, it } from 'vitest';
import { gridButtons, singleImageButtons } from '../../src/core/buttons.js';
import { bold, code, md, mention } from '../../src/core/markup.js';
import { scrubSecrets } from '../../src/adapters/slack/bolt-logger.js';
import { buttonBlocks, commandTextFromSlack, fallbackText, replyBlocks, splitForSections, toMrkdwn, toPlainFallback } from '../../src/adapters/slack/message.js';
import { blockErrors } from './fake-slack.js';

describe('neutral markup to Slack mrkdwn', () => {
  it('turns bold into single asterisks and keeps Slack mentions', () => {
    expect(toMrkdwn(md`**red heart** - ${mention('U012AB3CD')} (Waiting to start)`)).toBe('*red heart* - <@U012AB3CD> (Waiting to start)');
  });

  it('escapes &, < and > from user text so Slack shows them literally', () => {
    expect(toMrkdwn([bold('cats & dogs <3 >_<')])).toBe('*cats &amp; dogs &lt;3 &gt;_&lt;*');
  });

  it('shows an escaped asterisk from a prompt without opening bold', () => {
    const head = md`${bold('a *shiny* cat')} - ${mention('U1ABC')}`;
    const out = toMrkdwn(head);
    // Exactly the two bold markers remain.
    expect(out.split('*').length - 1).toBe(2);
    expect(out).toContain('a ∗shiny∗ cat');
    expect(toPlainFallback(head)).toBe('a *shiny* cat - <@U1ABC>');
  });

  it('keeps code spans literal and leaves non-Slack mentions as text', () => {
    expect(toMrkdwn(md`use ${code('/imagine **x** <y>')} now`)).toBe('use `/imagine **x** &lt;y&gt;` now');
    expect(toMrkdwn(md`${mention('web-user-7')} hi`)).toBe('@web-user-7 hi');
  });

  it('splits long text into sections without cutting an entity', () => {
    const text = `${'a'.repeat(2998)}&amp;${'b'.repeat(100)}`;
    const pieces = splitForSections(text, 3000);
    expect(pieces.every((p) => p.length <= 3000)).toBe(true);
    expect(pieces.join('')).toBe(text);
    expect(pieces[1]!.startsWith('&amp;')).toBe(true);
  });
});

describe('slash command text from Slack', () => {
  it('undoes Slack HTML escaping and typographic dashes and quotes', () => {
    expect(commandTextFromSlack('cat &amp; dog —ar 16:9 –no “blurry”')).toBe('cat & dog --ar 16:9 --no "blurry"');
    expect(commandTextFromSlack('  a &lt;b&gt; ')).toBe('a <b>');
  });

  it('leaves a dash that is part of the prompt alone', () => {
    expect(commandTextFromSlack('sunset — calm sea')).toBe('sunset — calm sea');
  });
});

describe('Block Kit for replies', () => {
  it('lays out a grid as three actions blocks of buttons carrying the button ids', () => {
    const rows = gridButtons('job_1', 4);
    const blocks = buttonBlocks(rows);
    expect(blocks).toHaveLength(3);
    const labels = blocks.map((b) => (b.type === 'actions' ? b.elements.map((e) => (e.type === 'button' ? e.text.text : '')) : []));
    expect(labels).toEqual([['U1', 'U2', 'U3', 'U4', '🔄 Re-roll'], ['V1', 'V2', 'V3', 'V4'], ['ℹ️ Recipe', '🗑️ Delete']]);
    const first = blocks[0]!.type === 'actions' ? blocks[0]!.elements[0] : undefined;
    expect(first).toMatchObject({ action_id: rows[0]![0]!.id, value: rows[0]![0]!.id });
  });

  it('passes Slack block validation for grid and single-image results', () => {
    for (const buttons of [gridButtons('j2', 4), singleImageButtons('j3')]) {
      const blocks = replyBlocks({ text: md`${bold('x'.repeat(4000))} - ${mention('U1')}`, buttons });
      expect(blockErrors(blocks)).toEqual([]);
    }
  });

  it('maps styles Slack knows, drops disabled buttons and de-duplicates action ids', () => {
    const blocks = buttonBlocks([
      [
        { id: 'a', label: 'Go', style: 'success' },
        { id: 'a', label: 'Again', style: 'secondary' },
        { id: 'b', label: 'Off', disabled: true },
        { id: 'c', label: 'Stop', style: 'danger' },
      ],
    ]);
    expect(blockErrors(blocks)).toEqual([]);
    const els = blocks[0]!.type === 'actions' ? blocks[0]!.elements : [];
    expect(els.map((e) => ('action_id' in e ? [e.action_id, 'style' in e ? e.style : undefined] : []))).toEqual([
      ['a', 'primary'],
      ['a#2', undefined],
      ['c', 'danger'],
    ]);
  });

  it('gives a plain fallback text for notifications', () => {
    expect(fallbackText({ text: md`**red heart** - ${mention('U1AB')} (42% · step 5/12)` })).toBe('red heart - <@U1AB> (42% · step 5/12)');
  });
});

describe('Bolt log scrubbing', () => {
  it('masks tokens, signatures, response URLs and Socket Mode tickets', () => {
    const line = scrubSecrets(
      'Authorization: Bearer xoxb-123-456-abc {"token":"verif","response_url":"https://hooks.slack.com/commands/T1/2/3"} wss://x/link/?ticket=abcd&app_id=A1 v0=' + 'a'.repeat(64),
    );
    expect(line).not.toMatch(/xoxb-123|verif"|hooks\.slack\.com\/commands\/T1|ticket=abcd|a{64}/);
  });
});
