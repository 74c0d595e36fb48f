import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageActions, slashCommands } from '../../commands/index.js';
import { PROJECT_ROOT } from '../../src/config.js';

const manifest = readFileSync(join(PROJECT_ROOT, 'config', 'slack-manifest.yaml'), 'utf8');

describe('Slack app manifest', () => {
  it('declares every slash command the bot has, and no other', () => {
    const declared = [...manifest.matchAll(/^\s*- command: \/(\S+)\s*$/gm)].map((m) => m[1]);
    expect(declared.sort()).toEqual(slashCommands.map((c) => c.name).sort());
  });

  it('asks for the scopes the adapter calls need, with interactivity and Socket Mode on', () => {
    const scopes = [...manifest.matchAll(/^\s*- ([a-z]+(?::[a-z.]+)?)\s*$/gm)].map((m) => m[1]);
    for (const scope of ['commands', 'chat:write', 'chat:write.public', 'files:write', 'files:read', 'users:read']) expect(scopes).toContain(scope);
    expect(manifest).toMatch(/interactivity:\s*\n\s*# .*\n\s*is_enabled: true/);
    expect(manifest).toMatch(/^\s*socket_mode_enabled: true\s*$/m);
  });

  it('declares every message action as a message shortcut with its callback_id', () => {
    const shortcuts = [...manifest.matchAll(/- name: (.+)\n\s+type: (\S+)\n\s+callback_id: (\S+)\n\s+description: (.+)/g)].map((m) => ({ name: m[1], type: m[2], id: m[3], description: m[4] }));
    expect(shortcuts).toEqual(messageActions.map((a) => ({ name: a.label, type: 'message', id: a.id, description: a.description })));
  });

  it('has Slack escape mentions in /limits, so ban and unban get user ids', () => {
    expect(manifest).toMatch(/- command: \/limits\n(?:\s+(?!- command).*\n)*?\s+should_escape: true/);
  });

  it('keeps descriptions within Slack limits (100 characters; a shortcut\'s name 24)', () => {
    const descriptions = [...manifest.matchAll(/^\s{6}description: (.+)$/gm)].map((m) => m[1]!);
    expect(descriptions).toHaveLength(slashCommands.length + messageActions.length);
    for (const d of descriptions) expect(d.length).toBeLessThanOrEqual(100);
    for (const a of messageActions) expect(a.label.length).toBeLessThanOrEqual(24);
  });
});
