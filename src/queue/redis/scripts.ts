/**
 * The Lua scripts that make every multi-key step of the Redis backend atomic: admission (queue
 * length, jobs waiting per user, the per-minute rate and the daily quotas, counted and recorded in
 * one step), the fair order in which a server's waiting jobs are handed to BullMQ, each state
 * change of a job with its indexes, and the job events written to BullMQ's event stream in the
 * same step as the state they announce (so a result is announced exactly once).
 *
 * The scripts are the .lua files beside this one: lua/prelude.lua (shared by all) and one file per
 * script, whose head comment documents its ARGV. Every script gets ARGV[1] = key prefix; keys are
 * built inside (all under one `{hash-tag}` prefix, so they live in one cluster slot).
 *
 * Data (P = prefix):
 *   P:job:<id>          hash, one field per JobRecord field holding its JSON, plus _cls (class),
 *                       _tag (fair-queueing tag), _run (token of the current run), _rel (released at);
 *                       a finished job's hash expires P:conf job_ttl_ms after it finished (retention
 *                       deletes it, with its index entries, before that)
 *   P:st:<status>       zset of job ids by createdAt, one per status
 *   P:uopen:<s>:<u>     zset of a user's queued and running jobs; P:uall:<s>:<u> all of them
 *   P:uqd               hash <s>:<u> → the user's queued jobs (no field when none)
 *   P:fin               zset of finished jobs by finishedAt, for retention
 *   P:cls:<s>           zset of priority classes with jobs of the server waiting to be released
 *   P:ring:<s>:<c>      list of users of the server with waiting jobs in class c (head: next turn)
 *   P:pq:<c>:<s>:<u>    list of a user's waiting jobs (not yet handed to BullMQ)
 *   P:pn / P:pc         hash server → / class → jobs waiting to be released
 *   P:infl:<s>          set of the server's jobs handed to BullMQ and not settled (its running slots)
 *   P:cap               hash server → server_max_running
 *   P:ltag              hash <c>:<s> → the server's last tag; P:vt / P:base hash class → virtual time / base
 *   P:ready             zset of jobs handed to BullMQ and not started, by their BullMQ order
 *   P:seq               counter
 *   P:rate:<s>:<u>      zset of the user's requests in the last minute
 *   P:usage:<day>:<s>   hash s → the server's images that UTC day, u:<user> → the user's
 *   P:gw:<instance>     set of jobs whose final event that gateway has not handled yet
 *   P:conf              hash of tunables (rebase_at; job_ttl_ms, IMAGE_RETENTION_DAYS + 1 day, 0 = none)
 * (<s>:<u> stands for a length-prefixed pair, so ids with ':' in them cannot collide.)
 */
import { readFileSync } from 'node:fs';

/** Priority classes run from -MAX_CLASS to MAX_CLASS; each has PRIORITY_SPAN BullMQ priorities for its tags. */
export const MAX_CLASS = 3;
export const PRIORITY_SPAN = 299_593;
/** The largest BullMQ priority the scripts give: the top of the lowest class's span (BullMQ's PRIORITY_LIMIT). */
export const TOP_PRIORITY = (2 * MAX_CLASS + 1) * PRIORITY_SPAN;

const read = (file: string) => readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
const PRELUDE = read('prelude.lua').replace('{{PRIORITY_SPAN}}', String(PRIORITY_SPAN)).replace('{{MAX_CLASS}}', String(MAX_CLASS));
const script = (file: string) => `${PRELUDE}\n${read(file)}`;

export const SCRIPTS = {
  imagineInsert: script('insert-job.lua'),
  imagineUpdate: script('update-job.lua'),
  imagineDeleteJobs: script('delete-jobs.lua'),
  imagineReserve: script('reserve.lua'),
  imagineRefund: script('refund.lua'),
  imagineAddGpuTime: script('add-gpu-time.lua'),
  imagineSubmit: script('submit.lua'),
  imaginePositions: script('positions.lua'),
  imagineStart: script('start.lua'),
  imagineProgress: script('progress.lua'),
  imagineFinish: script('finish.lua'),
  imagineEnd: script('end.lua'),
  imagineHandBack: script('hand-back.lua'),
  imagineSettle: script('settle.lua'),
  imagineRelease: script('release.lua'),
  imagineReadyPriorities: script('ready-priorities.lua'),
} as const;

export type ScriptName = keyof typeof SCRIPTS;
