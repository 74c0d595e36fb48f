/**
 * Test-only gateway process: the real gateway runtime (RedisJobQueue, Redis stores, the shared
 * image folder) and followJobs with a target that, instead of a chat platform, prints each
 * delivery as a JSON line (job, event, text, the bytes of each image it read from the store).
 * Reads commands as JSON lines on stdin: {"op":"submit","tag":…,"sub":JobSubmission}.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../../src/config.js';
import { followJobs } from '../../../src/replies/follow.js';
import type { JobSubmission } from '../../../src/core/jobs.js';
import { createLogger } from '../../../src/log/index.js';
import { UserError } from '../../../src/core/errors.js';
import { createRedisRuntime } from '../../../src/runtime/redis.js';

const env = process.env;
const config = loadConfig(env);
const log = createLogger({ level: 'warn', destination: process.stderr });
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ gateway: config.INSTANCE_ID, ...line })}\n`);
const runtime = await createRedisRuntime(config, log, { prefix: env.TEST_PREFIX, upkeepIntervalMs: 500 });
const { services } = runtime;
services.queue.onEvent((event) => say({ ev: 'event', event }));
followJobs(services, {
  platform: 'discord',
  gateway: config.INSTANCE_ID,
  progressIntervalMs: 0,
  async deliver(job, reply, event) {
    say({ ev: 'deliver', jobId: job.id, type: event.type, status: job.status, text: reply.text, images: (reply.images ?? []).map((i) => i.data.length) });
  },
});
await services.queue.start();

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { op: 'submit'; tag: string; sub: JobSubmission };
  services.queue.submit(cmd.sub).then(
    (job) => say({ ev: 'submitted', tag: cmd.tag, id: job.id }),
    (err: unknown) =>
      say(err instanceof UserError ? { ev: 'refused', tag: cmd.tag, reason: err.reason, message: err.message } : { ev: 'error', tag: cmd.tag, message: String(err) }),
  );
});
process.once('SIGTERM', () => {
  void runtime.close().then(() => process.exit(0));
});
say({ ev: 'ready' });
