import { describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../../src/ops/metrics.js';
import { UserError } from '../../src/core/errors.js';
import { MemoryJobs, ScriptedQueue, adapter, jobRecord, parseMetrics, sample } from './fakes.js';

function setup(options: { maxServerLabels?: number; gateway?: string; start?: number } = {}) {
  let clock = options.start ?? Date.UTC(2026, 10, 26, 12, 0, 0);
  const metrics = createMetrics({ defaultMetrics: false, maxServerLabels: options.maxServerLabels, now: () => clock });
  const queue = new ScriptedQueue();
  const jobs = new MemoryJobs();
  metrics.observeQueue(queue, jobs, { gateway: options.gateway });
  return {
    metrics,
    queue,
    jobs,
    at(ms: number) {
      clock = ms;
    },
    get clock() {
      return clock;
    },
  };
}

/** Walks one job through started → progress → done (or failed), the way the queue reports it. */
async function runJob(
  t: ReturnType<typeof setup>,
  id: string,
  fields: Parameters<typeof jobRecord>[1] = {},
  options: { steps?: number[]; stepMs?: number; outcome?: 'done' | 'failed'; images?: number; generationMs?: number } = {},
) {
  const createdAt = t.clock;
  await t.jobs.insert(jobRecord(id, { createdAt, ...fields }));
  t.queue.emit({ type: 'queued', jobId: id, position: 1 });
  t.at(createdAt + 2000);
  await t.jobs.update(id, { status: 'running', startedAt: t.clock, attempts: 1 });
  t.queue.emit({ type: 'started', jobId: id });
  for (const step of options.steps ?? [1, 2, 3, 4]) {
    t.at(t.clock + (options.stepMs ?? 500));
    t.queue.emit({ type: 'progress', jobId: id, step, total: 4 });
  }
  t.at(t.clock + 500);
  if ((options.outcome ?? 'done') === 'done') {
    const n = options.images ?? 4;
    const images = Array.from({ length: n }, (_, i) => `${id}/${i}.png`);
    await t.jobs.update(id, { status: 'done', finishedAt: t.clock, output: { images, seeds: images.map((_, i) => i), preview: images[0]!, previewWidth: 64, previewHeight: 64, width: 64, height: 64, generationMs: options.generationMs ?? 2500 } });
    t.queue.emit({ type: 'done', jobId: id });
  } else {
    await t.jobs.update(id, { status: 'failed', finishedAt: t.clock, error: 'the model could not load' });
    t.queue.emit({ type: 'failed', jobId: id, message: 'the model could not load' });
  }
  await t.metrics.settled();
}

describe('metrics from queue events', () => {
  it('counts finished jobs, latency, wait, generation and step times, and images per server', async () => {
    const t = setup();
    // submit at T, start at T+2 s, 4 steps 0.5 s apart, done 0.5 s after the last: latency 4.5 s.
    await runJob(t, 'j1');
    await runJob(t, 'j2', { kind: 'upscale', platform: 'slack', serverId: 'T0123' }, { outcome: 'failed' });
    const text = await t.metrics.render();

    expect(sample(text, 'imagine_jobs_finished_total', { kind: 'imagine', status: 'done' })).toBe(1);
    expect(sample(text, 'imagine_jobs_finished_total', { kind: 'upscale', status: 'failed' })).toBe(1);
    expect(sample(text, 'imagine_job_latency_seconds_count', { kind: 'imagine' })).toBe(1);
    expect(sample(text, 'imagine_job_latency_seconds_sum', { kind: 'imagine' })).toBeCloseTo(4.5);
    // Failed jobs have no latency sample: it would mix quick failures into the done latency.
    expect(sample(text, 'imagine_job_latency_seconds_count', { kind: 'upscale' })).toBeUndefined();
    expect(sample(text, 'imagine_job_wait_seconds_sum', { kind: 'imagine' })).toBeCloseTo(2);
    expect(sample(text, 'imagine_job_wait_seconds_count', { kind: 'upscale' })).toBe(1);
    expect(sample(text, 'imagine_generation_seconds_sum', { kind: 'imagine', model: 'emoji-diffusion' })).toBeCloseTo(2.5);
    // The first step pays for prompt encoding and is left out: 3 gaps per job, two jobs.
    expect(sample(text, 'imagine_step_seconds_count', { model: 'emoji-diffusion' })).toBe(6);
    expect(sample(text, 'imagine_step_seconds_sum', { model: 'emoji-diffusion' })).toBeCloseTo(3);
    expect(sample(text, 'imagine_step_seconds_bucket', { model: 'emoji-diffusion', le: '0.25' })).toBe(0);
    expect(sample(text, 'imagine_step_seconds_bucket', { model: 'emoji-diffusion', le: '0.5' })).toBe(6);
    expect(sample(text, 'imagine_images_today', { platform: 'discord', server: 'server-a' })).toBe(4);
    expect(sample(text, 'imagine_images_today', { platform: 'slack', server: 'T0123' })).toBeUndefined();
    expect(sample(text, 'imagine_images_total', { platform: 'discord', kind: 'imagine' })).toBe(4);
  });

  it('spreads a jump over skipped progress steps evenly', async () => {
    const t = setup();
    await runJob(t, 'j1', {}, { steps: [1, 4], stepMs: 900 });
    const text = await t.metrics.render();
    expect(sample(text, 'imagine_step_seconds_count', { model: 'emoji-diffusion' })).toBe(3);
    expect(sample(text, 'imagine_step_seconds_sum', { model: 'emoji-diffusion' })).toBeCloseTo(0.9);
  });

  it('reports queue depth and jobs by state from the queue, and says when the queue does not answer', async () => {
    const t = setup();
    // byStatus counts transitions since start; the gauge shows queued and running as they are now.
    t.queue.statsValue = { queued: 3, running: 1, byStatus: { queued: 12, running: 10, done: 7, failed: 2 } };
    let text = await t.metrics.render();
    expect(sample(text, 'imagine_jobs', { state: 'queued' })).toBe(3);
    expect(sample(text, 'imagine_jobs', { state: 'running' })).toBe(1);
    expect(sample(text, 'imagine_queue_depth')).toBe(3);
    expect(sample(text, 'imagine_jobs_running')).toBe(1);
    expect(sample(text, 'imagine_jobs', { state: 'done' })).toBe(7);
    expect(sample(text, 'imagine_jobs', { state: 'failed' })).toBe(2);
    expect(sample(text, 'imagine_queue_up')).toBe(1);

    t.queue.statsError = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    text = await t.metrics.render();
    expect(sample(text, 'imagine_queue_up')).toBe(0);
  });

  it('still answers a scrape when the queue hangs, reporting it down', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const t = setup();
      t.queue.stats = () => new Promise(() => {});
      const scrape = t.metrics.render();
      await vi.advanceTimersByTimeAsync(5000);
      expect(sample(await scrape, 'imagine_queue_up')).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the server label set bounded: servers past the cap are summed as "other"', async () => {
    const t = setup({ maxServerLabels: 2 });
    await runJob(t, 'a1', { serverId: 'guild-a' });
    await runJob(t, 'b1', { serverId: 'guild-b' });
    await runJob(t, 'c1', { serverId: 'guild-c' });
    await runJob(t, 'd1', { serverId: 'guild-d' }, { images: 1 });
    await runJob(t, 'a2', { serverId: 'guild-a' }, { images: 1 });
    const text = await t.metrics.render();
    const today = parseMetrics(text).filter((s) => s.name === 'imagine_images_today');
    expect(today).toHaveLength(3);
    expect(sample(text, 'imagine_images_today', { platform: 'discord', server: 'guild-a' })).toBe(5);
    expect(sample(text, 'imagine_images_today', { platform: 'discord', server: 'guild-b' })).toBe(4);
    expect(sample(text, 'imagine_images_today', { platform: 'other', server: 'other' })).toBe(5);
  });

  it('starts the per-server image count again at 00:00 UTC', async () => {
    const t = setup({ start: Date.UTC(2026, 10, 26, 23, 59, 0) });
    await runJob(t, 'late', { serverId: 'guild-a' });
    expect(sample(await t.metrics.render(), 'imagine_images_today', { platform: 'discord', server: 'guild-a' })).toBe(4);
    t.at(Date.UTC(2026, 10, 27, 0, 0, 30));
    let text = await t.metrics.render();
    expect(sample(text, 'imagine_images_today', { platform: 'discord', server: 'guild-a' })).toBeUndefined();
    expect(sample(text, 'imagine_images_total', { platform: 'discord', kind: 'imagine' })).toBe(4);
    await runJob(t, 'early', { serverId: 'guild-a' }, { images: 1 });
    text = await t.metrics.render();
    expect(sample(text, 'imagine_images_today', { platform: 'discord', server: 'guild-a' })).toBe(1);
  });

  it('counts only its own gateway\'s jobs when several gateways share one queue', async () => {
    const t = setup({ gateway: 'gw-1' });
    await runJob(t, 'mine', { delivery: { platform: 'discord', gateway: 'gw-1', data: {} } });
    await runJob(t, 'theirs', { delivery: { platform: 'discord', gateway: 'gw-2', data: {} } });
    const text = await t.metrics.render();
    expect(sample(text, 'imagine_jobs_finished_total', { kind: 'imagine', status: 'done' })).toBe(1);
    expect(sample(text, 'imagine_images_today', { platform: 'discord', server: 'server-a' })).toBe(4);
  });
});

describe('refusals and adapters', () => {
  it('counts refused submits by reason through the instrumented queue, and passes the refusal on', async () => {
    const t = setup();
    const reasons = ['quota-user', 'quota-user', 'queue-full'];
    t.queue.submitImpl = async () => {
      const reason = reasons.shift();
      if (reason) throw new UserError(`refused: ${reason}`, reason);
      throw new Error('database is locked');
    };
    const queue = t.metrics.instrumentQueue(t.queue);
    const submission = { kind: 'imagine' as const, platform: 'discord' as const, serverId: 's', channelId: 'c', userId: 'u', userName: 'U', isServerAdmin: false, params: jobRecord('x').params };
    for (let i = 0; i < 3; i++) await expect(queue.submit(submission)).rejects.toBeInstanceOf(UserError);
    await expect(queue.submit(submission)).rejects.toThrow('database is locked');
    // The instrumented queue is the same queue otherwise.
    t.queue.statsValue = { queued: 5, running: 0, byStatus: {} };
    expect((await queue.stats()).queued).toBe(5);

    const text = await t.metrics.render();
    expect(sample(text, 'imagine_refusals_total', { reason: 'quota-user' })).toBe(2);
    expect(sample(text, 'imagine_refusals_total', { reason: 'queue-full' })).toBe(1);
    expect(parseMetrics(text).filter((s) => s.name === 'imagine_refusals_total')).toHaveLength(2);
  });

  it('exports each adapter\'s connection state as it is at scrape time', async () => {
    const t = setup();
    const discord = adapter('discord', 'connected');
    const slack = adapter('slack', 'disconnected');
    t.metrics.trackAdapter(discord);
    t.metrics.trackAdapter(slack);
    let text = await t.metrics.render();
    expect(sample(text, 'imagine_adapter_connected', { adapter: 'discord' })).toBe(1);
    expect(sample(text, 'imagine_adapter_connected', { adapter: 'slack' })).toBe(0);
    expect(sample(text, 'imagine_adapter_state', { adapter: 'slack', state: 'disconnected' })).toBe(1);
    expect(sample(text, 'imagine_adapter_state', { adapter: 'slack', state: 'connected' })).toBe(0);
    slack.current = 'connected';
    text = await t.metrics.render();
    expect(sample(text, 'imagine_adapter_connected', { adapter: 'slack' })).toBe(1);
  });

  it('includes Node process metrics unless turned off', async () => {
    const withDefaults = createMetrics();
    // prom-client counts CPU since the registry was made, which may still be 0 here: presence is the point.
    expect(sample(await withDefaults.render(), 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    const without = createMetrics({ defaultMetrics: false });
    expect(sample(await without.render(), 'process_cpu_user_seconds_total')).toBeUndefined();
  });
});
