/**
 * Test-only `npm run worker`: the real worker runtime (BullMQ, Lua, the shared image folder) with
 * a FakeRunner instead of the models. Prints one JSON line per run start/end on stdout, 'ready'
 * once it takes jobs; SIGTERM closes it gracefully (TEST_DEADLINE_MS for running jobs). Reads
 * {"op":"hold"} (new runs wait at their start) and {"op":"release"} as JSON lines on stdin.
 * Env: the bot's (REDIS_URL, DATA_DIR, INSTANCE_ID, QUEUE_CONCURRENCY…) plus TEST_PREFIX,
 * TEST_DURATION_MS, TEST_STEPS, TEST_SLOW_MS, TEST_LOCK_MS, TEST_STALLED_MS, TEST_DEADLINE_MS.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log/index.js';
import { createRedisWorkerRuntime } from '../../../src/runtime/redis.js';
import type { JobRunner } from '../../../src/queue/types.js';
import { LocalImageStore } from '../../../src/store/index.js';
import { FakeRunner } from '../../fixtures/fake-runner.js';

const env = process.env;
const config = loadConfig(env);
const log = createLogger({ level: 'warn', destination: process.stderr });
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ worker: config.INSTANCE_ID, ...line })}\n`);
const images = new LocalImageStore(join(config.DATA_DIR, 'images'));
const fast = new FakeRunner({ durationMs: Number(env.TEST_DURATION_MS ?? 20), steps: Number(env.TEST_STEPS ?? 2), images });
// Jobs whose prompt says 'slow' take TEST_SLOW_MS, long enough to kill their worker mid-job.
const slow = new FakeRunner({ durationMs: Number(env.TEST_SLOW_MS ?? 3000), steps: 10, images });
const runner: JobRunner = { run: (job, ctx) => (job.params.prompt.includes('slow') ? slow : fast).run(job, ctx) };
const runtime = await createRedisWorkerRuntime(config, log, {
  prefix: env.TEST_PREFIX,
  runner,
  images,
  upkeepIntervalMs: 500,
  onRun: (e) => say({ ev: 'run', ...e }),
});
process.once('SIGTERM', () => {
  void runtime.close({ deadlineMs: Number(env.TEST_DEADLINE_MS ?? 0) }).then(() => {
    say({ ev: 'closed' });
    process.exit(0);
  });
});
createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { op: 'hold' | 'release' };
  if (cmd.op === 'hold') fast.hold();
  else fast.release();
  say({ ev: cmd.op });
});
await runtime.start();
say({ ev: 'ready' });
