import { replyOf } from '../src/core/invocation.js';
import type { JobRecord } from '../src/core/jobs.js';
import { concat, joinMarkup, md, type MarkupPart } from '../src/core/markup.js';
import { formatEta } from '../src/core/estimates.js';
import { formatWait } from '../src/queue/admission.js';
import type { Command } from './command.js';

const PROMPT_PREVIEW = 60;

function quota(used: number, limit: number): MarkupPart {
  if (limit === 0) return used === 1 ? md`**1** image (no daily limit)` : md`**${used}** images (no daily limit)`;
  const left = Math.max(0, limit - used);
  return used === 1 ? md`**1** image · ${left} of ${limit} left` : md`**${used}** images · ${left} of ${limit} left`;
}

/** The server's worker time today against its daily_server_gpu_seconds (Midjourney's fast hours). */
function gpuTime(usedMs: number, budgetSeconds: number): MarkupPart {
  const used = formatSeconds(usedMs / 1000);
  if (budgetSeconds === 0) return md`**${used}** (no daily budget)`;
  return md`**${used}** · ${formatSeconds(Math.max(0, budgetSeconds - usedMs / 1000))} of ${formatSeconds(budgetSeconds)} left`;
}

/** `42 s`, `3 min 20 s`, `2 h 5 min`. */
function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const min = Math.round(s / 60);
  return min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`;
}

function promptPreview(job: JobRecord): string {
  const p = job.params.prompt.replace(/[`*_~]/g, '').replace(/\s+/g, ' ').trim();
  return p.length > PROMPT_PREVIEW ? `${p.slice(0, PROMPT_PREVIEW - 1)}…` : p;
}

/** /info: the user's usage today, what is left of the quotas, their queued and running jobs. */
export const infoCommand: Command = {
  name: 'info',
  description: 'Your usage today, quota left, and your queued and running jobs',

  async execute(inv, services) {
    const [usage, limits, jobs, prefs] = await Promise.all([
      services.usage.today(inv.serverId, inv.userId),
      services.settings.get(inv.serverId),
      services.jobs.listForUser(inv.serverId, inv.userId, ['queued', 'running']),
      services.settings.preferences(inv.serverId, inv.userId),
    ]);
    // What a plain /imagine makes for this user: their settings, else the model's defaults.
    const model = services.models.get(prefs.model || undefined) ?? services.models.defaultModel;
    const sampler = prefs.sampler || model.defaults.scheduler;
    const defaults = joinMarkup(
      [
        md`model ${model.name}`,
        prefs.ar || '1:1',
        md`${prefs.steps || model.defaults.steps} steps`,
        `cfg ${prefs.guidance || model.defaults.guidance}`,
        sampler,
        ...(prefs.suffix ? [md`suffix “${prefs.suffix}”`] : []),
        ...(prefs.remix ? [md`Remix on`] : []),
        ...(prefs.private ? [md`private mode`] : []),
      ],
      ' · ',
    );
    const lines: MarkupPart[] = [
      md`**Today (UTC)**, resets at 00:00 UTC (in ${formatWait(usage.resetsAt - Date.now())})`,
      md`You: ${quota(usage.userImages, limits.daily_user_images)}`,
      md`This server: ${quota(usage.serverImages, limits.daily_server_images)}`,
      md`Generation time today: ${gpuTime(usage.serverGpuMs, limits.daily_server_gpu_seconds)}`,
      limits.user_requests_per_minute
        ? md`Up to ${limits.user_requests_per_minute} requests a minute, ${limits.user_max_queued} jobs waiting at once.`
        : md`Any number of requests a minute, ${limits.user_max_queued} jobs waiting at once.`,
      md`Your defaults: ${defaults} (change them with \`/settings\`)`,
      '',
      md`**Your jobs**`,
    ];
    if (jobs.length === 0) lines.push(md`None queued or running.`);
    for (const job of jobs) {
      const [place, estimate] = await Promise.all([job.status === 'queued' ? services.queue.position(job.id) : undefined, services.queue.estimate(job.id)]);
      const eta = estimate.startsInMs !== undefined ? md`, starts in ${formatEta(estimate.startsInMs)}` : estimate.leftMs !== undefined ? md`, ${formatEta(estimate.leftMs)} left` : '';
      const where = job.status === 'running' ? md`running${eta}` : md`queued, place ${place ?? '?'}${eta}`;
      const count = job.params.count === 1 ? md`1 image` : md`${job.params.count} images`;
      lines.push(md`\`${job.id}\` ${where}: ${promptPreview(job)} (${count}, ${job.params.model})`);
    }
    if (jobs.length) lines.push(md`Cancel one with \`/cancel <job>\`.`);
    return replyOf(concat(...lines.flatMap((l, i) => (i ? ['\n', l] : [l]))), true);
  },
};
