import type { CommandOutcome, Invocation, OptionValue } from './invocation.js';
import type { AppConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { ModelCatalog } from '../pipeline/catalog.js';
import type { JobQueue } from '../queue/types.js';
import type { ImageStore, JobStore, SettingsStore, UsageStore } from '../store/types.js';

/** What commands may use; built once by src/main.ts (or a test) and handed to every adapter. */
export interface Services {
  config: AppConfig;
  queue: JobQueue;
  jobs: JobStore;
  images: ImageStore;
  settings: SettingsStore;
  usage: UsageStore;
  models: ModelCatalog;
  log: Logger;
}

export interface CommandOptionSpec {
  name: string;
  description: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  required?: boolean;
  choices?: { name: string; value: string | number }[];
  minValue?: number;
  maxValue?: number;
  maxLength?: number;
}

export interface SubcommandSpec {
  name: string;
  description: string;
  options?: CommandOptionSpec[];
}

/** One slash command, the same for Discord, Slack and the playground. */
export interface CommandDefinition {
  name: string;
  description: string;
  options?: CommandOptionSpec[];
  subcommands?: SubcommandSpec[];
  /** Discord: default_member_permissions = Manage Server. The handler checks again at run time. */
  adminOnly?: boolean;
  /**
   * Free text as Slack and the playground deliver it ('/limits set max_steps 30') → subcommand
   * and options. Throws UserError for text it cannot read.
   */
  parseText(text: string): { subcommand?: string; options: Record<string, OptionValue> };
  execute(invocation: Invocation, services: Services): Promise<CommandOutcome>;
}
