import { describe, expect, it } from 'vitest';
import { parseMarkup } from '../../src/adapters/web/static/markup.js';
import { escapeMarkup } from '../../src/core/render.js';

describe('playground markup', () => {
  it('reads bold, italic, code and mentions the way a status line uses them', () => {
    expect(parseMarkup('**red heart** - <@alice> (Waiting to start — #2 in queue)')).toEqual([
      { type: 'bold', children: [{ type: 'text', text: 'red heart' }] },
      { type: 'text', text: ' - ' },
      { type: 'mention', userId: 'alice' },
      { type: 'text', text: ' (Waiting to start — #2 in queue)' },
    ]);
    expect(parseMarkup('Invalid `--seed x`\n_prompt was cut_')).toEqual([
      { type: 'text', text: 'Invalid ' },
      { type: 'code', text: '--seed x' },
      { type: 'text', text: '\n' },
      { type: 'italic', children: [{ type: 'text', text: 'prompt was cut' }] },
    ]);
  });

  it('shows escaped user text literally, so a prompt cannot fake bold or mentions', () => {
    const prompt = '**not bold** <@bob> snake_case_name a\\b';
    const nodes = parseMarkup(`**${escapeMarkup(prompt)}**`);
    expect(nodes).toEqual([{ type: 'bold', children: [{ type: 'text', text: prompt }] }]);
  });

  it('leaves underscores inside words and unmatched markers alone', () => {
    expect(parseMarkup('red_heart_grid.png and **half')).toEqual([{ type: 'text', text: 'red_heart_grid.png and **half' }]);
    expect(parseMarkup('a <@ b> c')).toEqual([{ type: 'text', text: 'a <@ b> c' }]);
  });
});
