/**
 * Forms: what a command asks before it runs (Discord's modal, Slack's view, a dialog in the
 * playground). A command hands one back as its outcome; the user's answers then run the form's
 * command with the options the form fixed when it opened (e.g. the picture's link) and the answers
 * added, read by that command's spec as typed options are.
 */
import { convertOption, type CommandSpec } from './command.js';
import { UserError } from './errors.js';
import type { OptionValue } from './invocation.js';
import { md, msg, tr } from './markup.js';

export interface FormField {
  /** The option of the form's command this answer fills. */
  name: string;
  /** Shown above the box (Discord and Slack: at most 45 and 2000 characters; keep it short). */
  label: string;
  /** One line, or a box for a paragraph. */
  style?: 'short' | 'paragraph';
  required?: boolean;
  /** Filled in already. */
  value?: string;
  /** Grey text in an empty box (at most 100 characters). */
  placeholder?: string;
  maxLength?: number;
}

export interface Form {
  /** At most 24 characters (Slack's limit for a view title). */
  title: string;
  /** The button that sends it (at most 24 characters). */
  submitLabel: string;
  fields: FormField[];
  /** The command the answers run. */
  command: string;
  subcommand?: string;
  /** Options fixed when the form opened, added to the answers. */
  options: Record<string, OptionValue>;
  /** A check of the answers registered under this name (registerFormCheck), for a command whose options are not typed (a button's). */
  check?: string;
}

/** Checks answers before the form closes; throws FormAnswerError naming the box. */
export type FormCheck = (answers: Record<string, string | undefined>) => void;

const FORM_CHECKS = new Map<string, FormCheck>();

/** Names a check forms can refer to (forms travel as data, so they name it rather than hold it). */
export function registerFormCheck(name: string, check: FormCheck): void {
  FORM_CHECKS.set(name, check);
}

/** A form's answers refused, with the field they are about (for Slack's error under that box). */
export class FormAnswerError extends UserError {
  constructor(
    readonly field: string,
    message: ConstructorParameters<typeof UserError>[0],
  ) {
    super(message, 'form');
  }
}

/** The form's command's options from the answers: typed by the command's spec (text without one), empty ones left out. */
export function readFormAnswers(spec: CommandSpec | undefined, form: Form, answers: Record<string, string | undefined>): Record<string, OptionValue> {
  if (form.check) FORM_CHECKS.get(form.check)?.(answers);
  const specs = (form.subcommand ? spec?.subcommands?.find((s) => s.name === form.subcommand)?.options : spec?.options) ?? [];
  const out: Record<string, OptionValue> = { ...form.options };
  for (const field of form.fields) {
    const raw = (answers[field.name] ?? '').trim();
    if (raw === '') {
      if (field.required) throw new FormAnswerError(field.name, md`${tr(field.label)} is needed.`);
      continue;
    }
    if (field.maxLength !== undefined && raw.length > field.maxLength) {
      throw new FormAnswerError(field.name, md`${tr(field.label)} is ${raw.length} characters; the limit is ${field.maxLength}.`);
    }
    const option = specs.find((o) => o.name === field.name);
    // A form whose command has no typed options (a button's) gets its answers as text.
    if (!spec) {
      out[field.name] = raw;
      continue;
    }
    if (!option) throw new Error(`form field ${field.name} is not an option of /${form.command}`);
    let value: OptionValue;
    try {
      value = convertOption(option, raw);
    } catch (err) {
      throw err instanceof UserError ? new FormAnswerError(field.name, err.markup) : err;
    }
    if (typeof value === 'number' && ((option.minValue !== undefined && value < option.minValue) || (option.maxValue !== undefined && value > option.maxValue))) {
      throw new FormAnswerError(field.name, md`${tr(field.label)} is from ${String(option.minValue ?? '…')} to ${String(option.maxValue ?? '…')} (got \`${raw}\`).`);
    }
    out[field.name] = value;
  }
  return out;
}

/**
 * Forms waiting for their answers, where the platform cannot carry them itself (a Discord modal's
 * custom_id holds 100 characters, not a picture's link). Kept in memory for `ttlMs`: a form left
 * open longer, or across a restart, asks to be opened again.
 */
export class PendingForms {
  private readonly forms = new Map<string, { form: Form; userId: string; at: number }>();
  private next = 0;

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly limit = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps the form for this user; returns its short id. */
  put(form: Form, userId: string): string {
    this.sweep();
    const id = `${this.now().toString(36)}${(this.next++).toString(36)}`;
    this.forms.set(id, { form, userId, at: this.now() });
    if (this.forms.size > this.limit) this.forms.delete(this.forms.keys().next().value as string);
    return id;
  }

  /** The form, once: only for the user it was opened for, and only while it is fresh. */
  take(id: string, userId: string): Form | undefined {
    const form = this.peek(id, userId);
    if (form) this.forms.delete(id);
    return form;
  }

  /** The form without using it up (answers refused can be sent again). */
  peek(id: string, userId: string): Form | undefined {
    this.sweep();
    const entry = this.forms.get(id);
    return entry && entry.userId === userId ? entry.form : undefined;
  }

  private sweep(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [id, entry] of this.forms) {
      if (entry.at >= cutoff) break;
      this.forms.delete(id);
    }
  }
}

/** What a user is told when the form they sent is no longer known. */
export const FORM_EXPIRED = msg('That form is no longer open (it was left for a long time, or the bot restarted). Open it again; nothing was done.');
