/**
 * The playground's own costs on the real command layer and the tiny test model: how fast a
 * command is answered (the chat platforms' 3 s budget), how long a grid takes end to end, and how
 * long one job's result takes to reach many open tabs.
 */
import { commandLayer } from '../commands/index.js';
import { startWeb } from '../src/adapters/web/index.js';
import { createTestServices } from '../test/fixtures/services.js';
import { command, openTab } from '../test/web/client.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

export default async (): Promise<void> => {
  const t = await createTestServices({ limits: { user_requests_per_minute: 0, user_max_queued: 1000, daily_user_images: 0, daily_server_images: 0 } });
  const web = await startWeb(t.services, commandLayer, { port: 0, progressIntervalMs: 50 });
  const url = web.url;
  try {
    const me = await openTab(url, 'local');
    const info: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      await command(url, me, 'local', 'bench', '/info');
      info.push(performance.now() - start);
    }
    console.log(`/info answered in ${ms(median(info))} (median of ${info.length})`);

    const ack: number[] = [];
    const grid: number[] = [];
    for (let i = 0; i < 8; i++) {
      const start = performance.now();
      const sent = await command(url, me, 'local', 'bench', `/imagine red heart --seed ${i}`);
      ack.push(performance.now() - start);
      await me.waitFor((m) => m.id === sent.body.message!.id && m.job?.status === 'done', 'grid', 60_000);
      grid.push(performance.now() - start);
    }
    console.log(`/imagine first status answered in ${ms(median(ack))}; grid shown after ${ms(median(grid))} (tiny 64×64 model, 4 steps; median of ${grid.length})`);

    for (const tabs of [10, 50]) {
      const open = await Promise.all(Array.from({ length: tabs }, () => openTab(url, 'second')));
      const start = performance.now();
      const sent = await command(url, open[0]!, 'second', 'bench', '/imagine blue star --seed 1');
      const id = sent.body.message!.id;
      await Promise.all(open.map((tab) => tab.waitFor((m) => m.id === id && m.job?.status === 'done', 'grid', 60_000)));
      const all = performance.now() - start;
      console.log(`${tabs} tabs: the grid reached every tab ${ms(all)} after the command`);
      for (const tab of open) tab.close();
    }
    me.close();
  } finally {
    await web.stop();
    await t.close();
  }
};
