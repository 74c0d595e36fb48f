/**
 * Reads the environment (and .env through dotenv) once, validates it, and gives every part of
 * the bot a typed, frozen config. A missing or malformed variable is one clear line naming it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';
import { SAFETY_FOLDER, UPSCALERS_FOLDER } from './pipeline/catalog.js';
import { DEVICES } from './pipeline/providers.js';
import { PROJECT_ROOT } from './util/project-root.js';

export { PROJECT_ROOT };

/** The model that ships with the project. */
export const DEFAULT_MODEL_DIR = join(PROJECT_ROOT, 'models', 'emoji-diffusion');
/** The trained upscalers that ship with the project (×2 and ×4, converted by `npm run build:upscalers`). */
export const DEFAULT_UPSCALERS_DIR = join(PROJECT_ROOT, 'models', UPSCALERS_FOLDER);

/** The image safety classifier that ships with the project (nsfwjs's MobileNetV2, converted by `npm run build:safety`). */
export const DEFAULT_SAFETY_MODEL = join(PROJECT_ROOT, 'models', SAFETY_FOLDER, 'nsfw-mobilenet-v2.onnx');

/** The `.onnx` files of an upscaler folder, sorted (none when the folder is missing). */
export function upscalerFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v), 'expected true or false')
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `expected a number from ${min} to ${max}`);
const url = z.string().trim().url('expected a URL such as https://example.com/path');
const text = z.string().trim().min(1, 'must not be empty');
const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** Every variable the bot reads, with its default. Unset and empty mean the same. */
const schema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** json: one JSON object a line (for log collectors); pretty: for a person; auto: pretty on a terminal. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  DATA_DIR: text.default('./data'),
  /** Names the process in logs and routes job updates back to it when several gateways share Redis. */
  INSTANCE_ID: text.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only').default('main'),

  // Pipeline
  MODEL_DIR: text.optional(),
  /** Folder whose sub-folders are the models users may pick with the model option. */
  MODELS_DIR: text.optional(),
  PIPELINE_DEVICE: z.enum(DEVICES as [string, ...string[]]).default('cpu'),
  PIPELINE_THREADS: int(0, 256).prefault('0'),
  /** An ESRGAN-style ONNX file for upscales instead of the shipped ×2 and ×4 models. */
  UPSCALER_MODEL: text.optional(),
  /** The image safety classifier every result is checked with (default: the shipped nsfwjs MobileNetV2); `off` for none. */
  SAFETY_MODEL: text.optional(),

  // Queue
  QUEUE_BACKEND: z.enum(['local', 'redis']).default('local'),
  REDIS_URL: url.regex(/^rediss?:\/\//, 'expected redis://host:port or rediss://host:port').optional(),
  /** Redis's password when REDIS_URL carries none (compose passes it from .env). */
  REDIS_PASSWORD: text.optional(),
  /** Pipeline jobs one worker runs at once. */
  QUEUE_CONCURRENCY: int(1, 64).prefault('1'),
  /** Jobs waiting at the head of the queue that may share one UNet call (same model, size, sampler and steps); 1 turns batching off. A model's imagine.json `maxBatch` overrides it. */
  PIPELINE_MAX_BATCH: int(1, 64).prefault('4'),
  QUEUE_MAX_LENGTH: int(1, 1_000_000).prefault('1000'),
  JOB_TIMEOUT_SECONDS: int(1, 86_400).prefault('600'),
  /** Redis workers: a running job whose worker died goes to another worker within this many seconds. */
  STALLED_JOB_SECONDS: int(3, 600).prefault('15'),
  IMAGE_RETENTION_DAYS: int(0, 36_500).prefault('30'),
  /** The largest image an upscale may make, whatever a server's max_upscale_pixels says (4096×4096). */
  MAX_UPSCALE_PIXELS: int(4096, 268_435_456).prefault('16777216'),
  /** Path to the per-server default limits (JSON). */
  LIMITS_FILE: text.optional(),
  /**
   * Hosts image prompts may be fetched from besides the platforms' own file hosts: `host` or
   * `host:port`, comma-separated. A private or loopback address needs its exact host:port here.
   */
  IMAGE_HOSTS: list
    .refine((entries) => entries.every((e) => /^(\[[0-9a-f:]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.test(e)), 'expected host or host:port entries separated by commas, e.g. images.example.com,127.0.0.1:9000')
    .transform((entries) => entries.map((e) => e.toLowerCase()))
    .default([]),

  // Discord
  DISCORD_TOKEN: text.optional(),
  DISCORD_APPLICATION_ID: text.regex(/^\d{5,25}$/, 'expected the numeric application id').optional(),
  DISCORD_GUILD_ID: text.regex(/^\d{5,25}$/, 'expected a numeric server (guild) id').optional(),
  DISCORD_API_URL: url.default('https://discord.com/api'),
  DISCORD_ALLOW_DMS: bool.prefault('false'),
  /** 'auto' or a fixed number of gateway shards. */
  DISCORD_SHARDS: z.string().trim().regex(/^(auto|\d{1,5})$/, "expected 'auto' or a number").default('auto'),
  /** The shards this process runs, out of DISCORD_SHARDS, when several gateway processes split them (e.g. 0,1). */
  DISCORD_SHARD_IDS: z
    .string()
    .trim()
    .regex(/^\d{1,5}(\s*,\s*\d{1,5})*$/, 'expected shard numbers separated by commas, e.g. 0,1')
    .transform((v) => v.split(',').map((n) => Number(n.trim())))
    .optional(),

  // Slack
  SLACK_BOT_TOKEN: text.optional(),
  SLACK_APP_TOKEN: text.optional(),
  SLACK_SIGNING_SECRET: text.optional(),
  SLACK_API_URL: url.default('https://slack.com/api/'),
  SLACK_PORT: int(1, 65_535).prefault('3000'),
  SLACK_ADMIN_USERS: list.default([]),

  // Web playground, health and metrics
  WEB_PORT: int(0, 65_535).prefault('8080'),
  WEB_HOST: text.default('127.0.0.1'),
  WEB_PASSWORD: text.optional(),
  /**
   * Reverse proxies in front of the playground (addresses or CIDR ranges): a request from one is
   * taken to come from the address it puts in X-Forwarded-For, for per-address caps and admin.
   */
  TRUSTED_PROXIES: list
    .refine((entries) => entries.every((e) => isIP(e.split('/')[0]!) !== 0 && (!e.includes('/') || /^\d{1,3}$/.test(e.split('/')[1]!))), 'expected addresses or CIDR ranges separated by commas, e.g. 127.0.0.1,10.0.0.0/8')
    .default([]),
  /** Port for /healthz and /metrics when the playground is off or should not serve them (0 = on the playground's server). */
  OPS_PORT: int(0, 65_535).prefault('0'),
  OPS_HOST: text.default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_SECONDS: int(0, 3600).prefault('60'),
});

type Env = z.infer<typeof schema>;

export interface AppConfig extends Readonly<Omit<Env, 'MODEL_DIR' | 'DATA_DIR' | 'MODELS_DIR' | 'LIMITS_FILE'>> {
  /** Absolute paths. */
  readonly DATA_DIR: string;
  readonly MODEL_DIR: string;
  readonly MODELS_DIR: string;
  readonly LIMITS_FILE: string;
  /** The upscaler files to load: UPSCALER_MODEL, or the shipped ones in models/upscalers/. */
  readonly UPSCALERS: readonly string[];
  readonly discordEnabled: boolean;
  readonly slackEnabled: boolean;
  /** 'socket' when SLACK_APP_TOKEN is set, else 'http' (SLACK_SIGNING_SECRET). */
  readonly slackMode: 'socket' | 'http';
  readonly webEnabled: boolean;
}

/** Values that must never reach a log (HF_TOKEN is read by `npm run model` only, but may sit in the same .env). */
export const SECRET_KEYS = ['DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'WEB_PASSWORD', 'REDIS_URL', 'REDIS_PASSWORD', 'HF_TOKEN'] as const;

/** Loads .env (without overriding the real environment) into process.env. */
export function loadDotenv(path = join(process.cwd(), '.env')): void {
  if (existsSync(path)) dotenv.config({ path, quiet: true });
}

/** Validates an environment; throws ConfigError with one line naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v.trim() !== '') raw[key] = v;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '?');
    // Never echo the value: it may be a secret.
    throw new ConfigError(`${key}: ${issue.message}`);
  }
  const e = parsed.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(process.cwd(), p));

  if (e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID) throw new ConfigError('DISCORD_APPLICATION_ID: required when DISCORD_TOKEN is set');
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_APP_TOKEN: set it (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) when SLACK_BOT_TOKEN is set');
  }
  if ((e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET) && !e.SLACK_BOT_TOKEN) throw new ConfigError('SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set');
  if (e.DISCORD_SHARD_IDS) {
    if (e.DISCORD_SHARDS === 'auto') throw new ConfigError('DISCORD_SHARDS: set the total shard count when DISCORD_SHARD_IDS picks some of them');
    const bad = e.DISCORD_SHARD_IDS.find((id) => id >= Number(e.DISCORD_SHARDS));
    if (bad !== undefined) throw new ConfigError(`DISCORD_SHARD_IDS: shard ${bad} is not below DISCORD_SHARDS (${e.DISCORD_SHARDS})`);
  }
  if (e.QUEUE_BACKEND === 'redis' && !e.REDIS_URL) throw new ConfigError('REDIS_URL: required when QUEUE_BACKEND=redis');
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(e.WEB_HOST);
  if (e.WEB_PORT !== 0 && !loopback && !e.WEB_PASSWORD) {
    throw new ConfigError(`WEB_PASSWORD: required when WEB_HOST (${e.WEB_HOST}) exposes the playground beyond this machine`);
  }

  const modelDir = abs(e.MODEL_DIR ?? DEFAULT_MODEL_DIR);
  return Object.freeze({
    ...e,
    DATA_DIR: abs(e.DATA_DIR),
    MODEL_DIR: modelDir,
    MODELS_DIR: abs(e.MODELS_DIR ?? dirname(modelDir)),
    LIMITS_FILE: abs(e.LIMITS_FILE ?? join(PROJECT_ROOT, 'config', 'limits.json')),
    UPSCALER_MODEL: e.UPSCALER_MODEL && abs(e.UPSCALER_MODEL),
    UPSCALERS: e.UPSCALER_MODEL ? [abs(e.UPSCALER_MODEL)] : upscalerFilesIn(DEFAULT_UPSCALERS_DIR),
    SAFETY_MODEL: e.SAFETY_MODEL?.toLowerCase() === 'off' ? undefined : abs(e.SAFETY_MODEL || DEFAULT_SAFETY_MODEL),
    discordEnabled: Boolean(e.DISCORD_TOKEN),
    slackEnabled: Boolean(e.SLACK_BOT_TOKEN),
    slackMode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
    webEnabled: e.WEB_PORT !== 0,
  } satisfies AppConfig);
}
