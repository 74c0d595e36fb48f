import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../commands/index.js';
import { shown } from '../fixtures/markup.js';
import { Harness, invocation } from '../queue/harness.js';

let h: Harness;
afterEach(async () => {
  await h.dispose();
});

async function models(): Promise<string> {
  const outcome = await dispatch(invocation('models'), h.services());
  expect(outcome.kind).toBe('reply');
  expect(outcome.reply.ephemeral).toBe(true);
  return shown(outcome.reply.text);
}

describe('/models', () => {
  it('lists every model with its family, native size and default steps, the default first', async () => {
    h = new Harness();
    await h.open();
    const out = await models();
    expect(out.split('\n')).toEqual([
      '**Models on this server**',
      expect.stringMatching(/^`tiny` \(default\): SD 1\.x · 64×64 · 25 steps · guidance 7 · pndm$/),
      expect.stringMatching(/^`quick`: SD 1\.x · 64×64 · 25 steps · guidance 7 · pndm$/),
      'Pick one with `--model <name>` after your prompt, e.g. `/imagine a red heart --model tiny`.',
    ]);
  });

  it("shows only the server's allowed models, and says when none is", async () => {
    h = new Harness({ allowed_models: ['QUICK'] });
    await h.open();
    const out = await models();
    expect(out).toContain('`quick`: SD 1.x');
    expect(out).not.toContain('tiny');

    await h.stores.settings.set('S', 'allowed_models', ['retired-model']);
    expect(await models()).toBe('No model is allowed on this server. Server admins choose them with `/limits set allowed_models <names>`.');
  });
});
