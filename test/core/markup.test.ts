/**
 * The neutral markup: messages written with md``, user text always plain, and each platform's
 * rendering of the same status line (Discord markdown, Slack mrkdwn; the playground gets the tree).
 */
import { localize } from '../../src/core/i18n.js';
import { describe, expect, it } from 'vitest';
import { toDiscordMarkdown } from '../../src/adapters/discord/message.js';
import { toMrkdwn, toPlainFallback } from '../../src/adapters/slack/message.js';
import { bold, code, link, md, mention, plainText } from '../../src/core/markup.js';
import type { JobRecord } from '../../src/core/jobs.js';
import { renderJob } from '../../src/replies/render.js';

const job = (prompt: string): JobRecord => ({
  id: 'j1',
  kind: 'imagine',
  platform: 'web',
  serverId: 's',
  channelId: 'c',
  userId: 'U0ALICE',
  userName: 'alice',
  params: { prompt, negativePrompt: '', model: 'm', seed: 1, steps: 4, guidance: 7, width: 64, height: 64, count: 4 },
  status: 'queued',
  priority: 0,
  cost: 4,
  createdAt: 0,
  attempts: 0,
});

const noImages = { has: async () => false, get: async () => Buffer.alloc(0), put: async () => {}, deletePrefix: async () => {} };

describe('md``', () => {
  it('reads bold and code in the literal parts, and keeps interpolated text plain', () => {
    expect(localize(md`Invalid \`--seed ${'x'}\`: **${'a *b*'}** for ${mention('u1')}`, 'en')).toEqual([
      { type: 'text', text: 'Invalid ' },
      { type: 'code', text: '--seed x' },
      { type: 'text', text: ': ' },
      { type: 'bold', children: [{ type: 'text', text: 'a *b*' }] },
      { type: 'text', text: ' for ' },
      { type: 'mention', userId: 'u1' },
    ]);
    expect(plainText(md`Unknown model \`${'nope'}\`.`)).toBe('Unknown model `nope`.');
  });

  it('refuses a template with an unclosed span (a bug, not user input)', () => {
    expect(() => localize(md`an **open bold`, 'en')).toThrow(/unclosed bold/);
  });
});

describe('a prompt cannot fake markup on any platform', () => {
  const prompt = '**not bold** <@bob> `code` snake_case_name a\\b &amp; <!channel>';

  it('stays one text node inside the status line', async () => {
    const text = localize((await renderJob(job(prompt), noImages, { position: 2 })).text, 'de');
    expect(text[0]).toEqual(bold(prompt));
    expect(text).toContainEqual(mention('U0ALICE'));
  });

  it('is escaped in Discord markdown: no bold, no mention, no code, underscores kept', async () => {
    const text = toDiscordMarkdown((await renderJob(job(prompt), noImages)).text);
    expect(text.startsWith('**\\*\\*not bold\\*\\* \\<@bob\\> \\`code\\` snake\\_case\\_name a\\\\b &amp; \\<!channel\\>**')).toBe(true);
    expect(text).toContain('<@U0ALICE>');
    // The only unescaped mention is the requester's.
    expect(text.match(/(?<!\\)<@/g)).toHaveLength(1);
  });

  it('is escaped in Slack mrkdwn: no bold, no mention, no special mention', async () => {
    const text = toMrkdwn((await renderJob(job(prompt), noImages)).text);
    expect(text).toContain('∗∗not bold∗∗ &lt;@bob&gt;');
    expect(text).toContain('&amp;amp; &lt;!channel&gt;');
    expect(text.match(/<@/g)).toHaveLength(1);
    expect(toPlainFallback([code('<@U1>')])).toBe('&lt;@U1&gt;');
  });
});

describe('links to messages', () => {
  it('render as Discord masked links, Slack links and plain text, and only for http(s) or playground anchors', () => {
    const m = md`V2 · from ${link('image #2', 'https://discord.com/channels/1/2/3')}`;
    expect(toDiscordMarkdown(m)).toBe('V2 · from [image #2](<https://discord.com/channels/1/2/3>)');
    expect(toMrkdwn(m)).toBe('V2 · from <https://discord.com/channels/1/2/3|image #2>');
    expect(toPlainFallback(m)).toBe('V2 · from image #2');
    expect(plainText(m)).toBe('V2 · from image #2');
    expect(link('x', 'javascript:alert(1)')).toEqual({ type: 'text', text: 'x' });
    expect(link('x', 'https://a.b/c d')).toEqual({ type: 'text', text: 'x' });
    expect(link('x', '#m-123e4567-e89b')).toEqual({ type: 'link', text: 'x', url: '#m-123e4567-e89b' });
  });
});
