import { replyOf } from '../src/core/invocation.js';
import { code, concat, md, type MarkupPart } from '../src/core/markup.js';
import { familyLabel } from '../src/pipeline/model-check.js';
import type { ModelDescription } from '../src/pipeline/model-folder.js';
import type { Command } from './command.js';

/** /models: the models this server may use (its allowed_models, or all), with family, native size and default steps. */
export const modelsCommand: Command = {
  name: 'models',
  description: 'The models you can use here: family, size and default steps',

  async execute(inv, services) {
    const { allowed_models: allowed } = await services.settings.get(inv.serverId);
    const usable = services.models.list().filter((m) => allowed.length === 0 || allowed.some((a) => a.toLowerCase() === m.name.toLowerCase()));
    if (usable.length === 0) {
      return replyOf(md`No model is allowed on this server. Server admins choose them with \`/limits set allowed_models <names>\`.`, true);
    }
    const lines: MarkupPart[] = [md`**Models on this server**`];
    for (const m of usable) {
      const isDefault = m === services.models.defaultModel;
      lines.push(md`${code(m.name)}${isDefault ? md` (default)` : ''}: ${summary(m)}${m.description ? ` · ${firstSentence(m.description)}` : ''}`);
    }
    lines.push(md`Pick one with ${code('--model <name>')} after your prompt, e.g. ${code(`/imagine a red heart --model ${usable[0]!.name}`)}.`);
    return replyOf(concat(...lines.flatMap((l, i) => (i ? ['\n', l] : [l]))), true);
  },
};

/** Family, size and defaults in a line (the `check` report's summary, in the reader's language). */
function summary(m: ModelDescription): MarkupPart {
  const d = m.defaults;
  const steps = d.steps === 1 ? md`1 step` : md`${d.steps} steps`;
  return md`${familyLabel(m)} · ${d.width}×${d.height} · ${steps} · guidance ${d.guidance} · ${d.scheduler}`;
}

/** A description's first sentence, for one line per model. */
function firstSentence(text: string): string {
  const m = /^(.{1,140}?[.!?])(\s|$)/.exec(text.trim());
  return m ? m[1]! : text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
