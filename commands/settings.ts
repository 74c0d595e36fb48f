/**
 * /settings: each user's own defaults in a server, as Midjourney's /settings: a private panel with
 * buttons (Remix and private mode switch with a click; the defaults and the suffix open a form) and,
 * for free text, `/settings set <name> <value>` and `/settings reset [name]`.
 */
import { encodeButtonId } from '../src/core/buttons.js';
import type { CommandOptionSpec } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import type { Form } from '../src/core/forms.js';
import { BUTTON_COMMAND, type CommandOutcome, type Invocation } from '../src/core/invocation.js';
import { textIn, type Language } from '../src/core/i18n.js';
import { code, concat, joinMarkup, md, msg, toMarkup, tr, type Markup, type MarkupPart } from '../src/core/markup.js';
import { formatPreference, isPreferenceName, parsePreference, PREFERENCE_NAMES, PREFERENCE_SPECS, PREFERENCES_CHECK, type PreferenceName, type UserPreferences } from '../src/core/preferences.js';
import { ASPECT_RATIOS } from '../src/core/parameters.js';
import type { ReplyButton, ReplySelect } from '../src/core/reply.js';
import { SAMPLER_CHOICES } from '../src/core/samplers.js';
import { textReply } from '../src/core/reply.js';
import type { Services } from '../src/services.js';
import type { Command } from './command.js';

/** The panel's buttons: `set:me:0:<what>` (settings belong to whoever clicks, not to a job). */
export function settingsButtonId(what: string): string {
  return encodeButtonId({ action: 'set', jobId: 'me', index: 0, variant: what });
}

const DEFAULT_FIELDS: PreferenceName[] = ['model', 'ar', 'steps', 'sampler', 'guidance'];
/** The menus' choice that puts a setting back to its default. */
const DEFAULT_CHOICE = 'default';
const LABELS: Record<PreferenceName, string> = {
  model: msg('Model'),
  ar: msg('Aspect ratio'),
  steps: msg('Steps'),
  sampler: msg('Sampler'),
  guidance: msg('Guidance (cfg)'),
  suffix: msg('Suffix'),
  remix: msg('Remix'),
  private: msg('Private mode'),
};

const nameOption: CommandOptionSpec = { name: 'name', description: 'Which setting', type: 'string', required: true, choices: PREFERENCE_NAMES.map((n) => ({ name: n, value: n })) };

function preferenceName(raw: unknown): PreferenceName {
  const name = String(raw ?? '').trim().toLowerCase();
  if (!isPreferenceName(name)) throw new UserError(md`Unknown setting \`${name}\`. Settings: ${joinMarkup(PREFERENCE_NAMES.map((n) => code(n)), ', ')}.`, 'usage');
  return name;
}

/** Checks a model name against what the server allows, so a default can never name a model /imagine refuses. */
async function checkModel(services: Services, serverId: string, name: string): Promise<string> {
  const model = services.models.get(name);
  if (!model) throw new UserError(md`Unknown model \`${name}\`. Available: ${joinMarkup(services.models.list().map((m) => code(m.name)), ', ')}.`, 'settings');
  const { allowed_models: allowed } = await services.settings.get(serverId);
  if (allowed.length && !allowed.some((a) => a.toLowerCase() === model.name.toLowerCase())) throw new UserError(md`The model \`${model.name}\` is not allowed on this server.`, 'settings');
  return model.name;
}

/** Reads and stores one setting typed by the user ('' or '-' puts it back to the default). */
async function store(inv: Invocation, services: Services, name: PreferenceName, text: string): Promise<void> {
  const raw = text.trim();
  if (raw === '' || raw === '-') {
    await services.settings.resetPreference(inv.serverId, inv.userId, name);
    return;
  }
  let value = parsePreference(name, raw);
  if (name === 'model') value = (await checkModel(services, inv.serverId, value as string)) as typeof value;
  await services.settings.setPreference(inv.serverId, inv.userId, name, value);
}

/** The private panel: every setting, what it falls back to, and the buttons that change them. */
export async function settingsPanel(inv: Invocation, services: Services, note?: MarkupPart): Promise<CommandOutcome> {
  const prefs = await services.settings.preferences(inv.serverId, inv.userId);
  const model = services.models.defaultModel;
  const lang = inv.languages?.user;
  const fallback: Partial<Record<PreferenceName, Markup>> = {
    model: md`server default ${model.name}`,
    ar: toMarkup('1:1'),
    steps: md`model default ${model.defaults.steps}`,
    sampler: md`model default ${model.defaults.scheduler}`,
    guidance: md`model default ${model.defaults.guidance}`,
  };
  const line = (n: PreferenceName) => {
    const v = formatPreference(prefs, n);
    return md`${tr(LABELS[n])}: ${v === '—' && fallback[n] ? md`— (${fallback[n]})` : code(v)}`;
  };
  const lines: MarkupPart[] = [
    ...(note ? [note] : []),
    md`**Your settings here** (a parameter in the prompt beats them)`,
    ...DEFAULT_FIELDS.map(line),
    line('suffix'),
    md`${line('remix')} · ${line('private')}`,
  ];
  const toggle = (n: 'remix' | 'private', emoji: string): ReplyButton => ({
    id: settingsButtonId(n),
    label: `${LABELS[n]}: ${prefs[n] ? 'on' : 'off'}`,
    emoji,
    style: prefs[n] ? 'success' : 'secondary',
  });
  const { allowed_models: allowed } = await services.settings.get(inv.serverId);
  const models = services.models.list().filter((m) => allowed.length === 0 || allowed.some((a) => a.toLowerCase() === m.name.toLowerCase()));
  const menu = (n: 'model' | 'ar' | 'sampler', values: readonly string[]): ReplySelect => ({
    id: settingsButtonId(n),
    placeholder: textIn(lang, md`${tr(LABELS[n])}: ${prefs[n] || md`default (${fallback[n]!})`}`),
    options: [{ label: textIn(lang, md`Default (${fallback[n]!})`), value: DEFAULT_CHOICE, default: !prefs[n] }, ...values.slice(0, 24).map((v) => ({ label: v, value: v, default: prefs[n] === v }))],
  });
  return {
    kind: 'reply',
    reply: {
      text: concat(...lines.flatMap((l, i) => (i ? ['\n', l] : [l]))),
      ephemeral: true,
      selects: [menu('model', models.map((m) => m.name)), menu('ar', ASPECT_RATIOS), menu('sampler', SAMPLER_CHOICES)],
      buttons: [
        [
          { id: settingsButtonId('defaults'), label: 'Defaults…', emoji: '🎛️', style: 'primary' },
          { id: settingsButtonId('suffix'), label: 'Suffix…', emoji: '📝' },
          { id: settingsButtonId('reset'), label: 'Reset all', emoji: '↩️', style: 'danger' },
        ],
        [toggle('remix', '🔀'), toggle('private', '🔒')],
      ],
    },
  };
}

/** A form whose answers come back to the panel's `save` button. */
function panelForm(title: string, save: string, fields: Form['fields']): Form {
  return { title, submitLabel: 'Save', command: BUTTON_COMMAND, options: { id: settingsButtonId(save) }, fields, check: PREFERENCES_CHECK };
}

function defaultsForm(prefs: UserPreferences, lang: Language | undefined): Form {
  return panelForm(
    'Your defaults',
    'savedefaults',
    DEFAULT_FIELDS.map((n) => ({
      name: n,
      label: LABELS[n],
      style: 'short',
      required: false,
      maxLength: 40,
      ...(formatPreference(prefs, n) !== '—' ? { value: formatPreference(prefs, n) } : {}),
      placeholder: textIn(lang, md`empty for the default; ${tr(PREFERENCE_SPECS[n].help)}`).slice(0, 100),
    })),
  );
}

function suffixForm(prefs: UserPreferences): Form {
  return panelForm('Your prompt suffix', 'savesuffix', [
    { name: 'suffix', label: 'Added to every prompt', style: 'paragraph', required: false, maxLength: 200, ...(prefs.suffix ? { value: prefs.suffix } : {}), placeholder: 'e.g. watercolor, soft light --ar 3:2 --no text' },
  ]);
}

const NO_FORMS = md`Change it with ${code('/settings set <name> <value>')}, e.g. ${code('/settings set steps 30')}.`;

/** The panel clicked, redrawn in its own place. */
function replacing(outcome: CommandOutcome): CommandOutcome {
  return outcome.kind === 'reply' ? { ...outcome, reply: { ...outcome.reply, replaces: true } } : outcome;
}

/** A click on the panel (or its form's answers): what `what` says, then the panel again. */
export async function settingsButton(inv: Invocation, services: Services, what: string | undefined): Promise<CommandOutcome> {
  const prefs = await services.settings.preferences(inv.serverId, inv.userId);
  switch (what) {
    case 'model':
    case 'ar':
    case 'sampler': {
      // A choice in a menu: the value, or back to the default.
      const value = String(inv.options.value ?? '');
      await store(inv, services, what, value === DEFAULT_CHOICE ? '' : value);
      return replacing(await settingsPanel(inv, services));
    }
    case 'remix':
    case 'private':
      await services.settings.setPreference(inv.serverId, inv.userId, what, !prefs[what]);
      return replacing(await settingsPanel(inv, services));
    case 'reset':
      await services.settings.resetPreference(inv.serverId, inv.userId);
      return replacing(await settingsPanel(inv, services, md`Your settings are back to the defaults.`));
    case 'defaults':
      return { kind: 'form', form: defaultsForm(prefs, inv.languages?.user), reply: textReply(NO_FORMS) };
    case 'suffix':
      return { kind: 'form', form: suffixForm(prefs), reply: textReply(NO_FORMS) };
    case 'savedefaults':
    case 'savesuffix': {
      // Every answer is read before any is stored: one bad value changes nothing.
      const names = what === 'savesuffix' ? (['suffix'] as PreferenceName[]) : DEFAULT_FIELDS;
      for (const n of names) {
        const text = String(inv.options[n] ?? '').trim();
        if (text && text !== '-') parsePreference(n, text);
        if (n === 'model' && text && text !== '-') await checkModel(services, inv.serverId, text);
      }
      for (const n of names) await store(inv, services, n, String(inv.options[n] ?? ''));
      return settingsPanel(inv, services, md`Saved.`);
    }
    default:
      throw new UserError('This button is no longer valid.', 'button');
  }
}

/** /settings [show] | set <name> <value> | reset [name]. */
export const settingsCommand: Command = {
  name: 'settings',
  description: 'Your own defaults here: model, size, steps, sampler, suffix, Remix, private mode',
  defaultSubcommand: 'show',
  subcommands: [
    { name: 'show', description: 'Show your settings, with buttons to change them' },
    { name: 'set', description: 'Change one setting', options: [nameOption, { name: 'value', description: 'New value; - for the default', type: 'string', required: true, maxLength: 200, rest: true }] },
    { name: 'reset', description: 'Put one setting, or all of them, back to the default', options: [{ ...nameOption, required: false }] },
  ],
  async execute(inv, services) {
    const sub = inv.subcommand ?? 'show';
    if (sub === 'set') {
      const name = preferenceName(inv.options.name);
      await store(inv, services, name, String(inv.options.value ?? ''));
      return settingsPanel(inv, services, md`${tr(LABELS[name])} is now ${code(formatPreference(await services.settings.preferences(inv.serverId, inv.userId), name))}.`);
    }
    if (sub === 'reset') {
      const name = inv.options.name === undefined ? undefined : preferenceName(inv.options.name);
      await services.settings.resetPreference(inv.serverId, inv.userId, name);
      return settingsPanel(inv, services, name ? md`${tr(LABELS[name])} is back to the default.` : md`Your settings are back to the defaults.`);
    }
    return settingsPanel(inv, services);
  },
};
