/**
 * The Discord adapter against the loopback fake (real discord.js, real queue and stores):
 * 1. Acknowledgement time of /imagine (INTERACTION_CREATE sent → callback received) while the
 *    queue fills up to 300 waiting jobs; Discord allows 3000 ms. Also how many were deferred.
 * 2. REST requests per job from /imagine to the grid (the 2 s progress throttle and the
 *    skip-unchanged rule keep this low), on the FakeRunner with 20 progress steps over 3 s.
 * 3. End to end on the tiny ONNX model: /imagine → grid visible in the channel.
 */
import { performance } from 'node:perf_hooks';
import { FakeRunner } from '../test/fixtures/fake-runner.js';
import { FakeDiscord, type FakeInteraction } from '../test/discord/fake-discord.js';
import { resultOf, startBot, type Bot } from '../test/discord/helpers.js';
import type { ImageStore } from '../src/store/types.js';

const OPEN = { daily_server_images: 0, daily_user_images: 0, user_requests_per_minute: 0, user_max_queued: 1000 };

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function withBot<T>(runnerOptions: ConstructorParameters<typeof FakeRunner>[0] | undefined, fn: (bot: Bot, runner?: FakeRunner) => Promise<T>): Promise<T> {
  const fake = await FakeDiscord.start();
  let bot: Bot | undefined;
  const runner = runnerOptions ? new FakeRunner({ ...runnerOptions, images: { put: (k: string, d: Buffer) => bot!.ts.services.images.put(k, d) } as ImageStore }) : undefined;
  bot = await startBot({ fake, services: { runner, limits: OPEN } });
  try {
    return await fn(bot, runner);
  } finally {
    runner?.release();
    await bot.close();
    await fake.close();
  }
}

async function ackUnderLoad(): Promise<void> {
  await withBot({ durationMs: 5 }, async ({ fake }, runner) => {
    runner!.hold();
    const acks: number[] = [];
    let deferred = 0;
    const total = 300;
    const burst = 10;
    for (let n = 0; n < total; n += burst) {
      const batch: FakeInteraction[] = [];
      for (let k = 0; k < burst; k++) batch.push(fake.slash('imagine', { prompt: `load ${n + k}` }));
      for (const i of batch) {
        const r = await fake.waitForAck(i);
        acks.push(r.at - i.dispatchedAt);
        if (r.type === 5) deferred++;
      }
    }
    console.log(`ack of /imagine in bursts of ${burst} while the queue grows to ${total}: p50 ${pct(acks, 50)} ms, p95 ${pct(acks, 95)} ms, max ${Math.max(...acks)} ms (Discord allows 3000 ms); deferred ${deferred}/${total}`);
  });
}

async function requestsPerJob(): Promise<void> {
  await withBot({ durationMs: 3000, steps: 20 }, async ({ fake }) => {
    const jobs = 3;
    const interactions = Array.from({ length: jobs }, (_, n) => fake.slash('imagine', { prompt: `progress ${n}` }));
    for (const i of interactions) await resultOf(fake, i);
    const per = interactions.map((i) => fake.requests.filter((r) => r.path.includes(i.token)).length);
    const edits = interactions.map((i) => fake.original(i)!.revisions.length - 1);
    console.log(`REST requests per /imagine (20 progress steps over 3 s, jobs run one after another): ${per.join(', ')}; status edits ${edits.join(', ')}`);
  });
}

async function tinyModelEndToEnd(): Promise<void> {
  await withBot(undefined, async ({ fake }) => {
    const times: number[] = [];
    for (let n = 0; n < 5; n++) {
      const t = performance.now();
      const i = fake.slash('imagine', { prompt: `tiny ${n} --seed ${n}` });
      await resultOf(fake, i);
      times.push(performance.now() - t);
    }
    console.log(`tiny ONNX model, /imagine → grid in the channel: p50 ${pct(times, 50).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${times.length}`);
  });
}

export default async function bench(): Promise<void> {
  await ackUnderLoad();
  await requestsPerJob();
  await tinyModelEndToEnd();
}
