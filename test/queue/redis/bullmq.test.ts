/**
 * What the Redis backend takes from BullMQ on trust, pinned so that an upgrade that changes it
 * fails here first: the largest priority BullMQ accepts (our priority classes and tags fill it
 * exactly), the stream our scripts write job events into, and the shape QueueEvents hands them on in.
 */
import { PRIORITY_LIMIT, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBackend, type ImagineEventsListener } from '../../../src/queue/redis/backend.js';
import { TOP_PRIORITY } from '../../../src/queue/redis/scripts.js';
import { ScaleHarness, submission } from './harness.js';
import { SKIP_MESSAGE, redisAvailable, startRedis, type RedisServer } from './redis-server.js';

if (!redisAvailable) console.warn(SKIP_MESSAGE);

let server: RedisServer;
beforeAll(async () => {
  if (redisAvailable) server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

describe('what the Redis backend takes from BullMQ', () => {
  it('fills BullMQ\'s priority range exactly: every class and tag a priority BullMQ accepts', () => {
    expect(TOP_PRIORITY).toBe(PRIORITY_LIMIT);
  });

  it.skipIf(!redisAvailable)('writes job events into the stream BullMQ\'s QueueEvents reads, in the shape it hands them on', async () => {
    const h = new ScaleHarness(server.url);
    await h.openGateway();
    const backend = new RedisBackend({ url: server.url, prefix: h.prefix, settings: h.services.settings });
    // From the start of the stream: nothing written before the read begins is missed.
    const events = new QueueEvents('pipeline', { connection: backend.redis.duplicate(), prefix: h.prefix, lastEventId: '0' });
    try {
      expect(backend.eventsKey).toBe(backend.queue.keys.events);
      await events.waitUntilReady();
      const seen = new Promise<{ fields: unknown; id: string }>((resolve) => {
        events.on<ImagineEventsListener, 'imagine'>('imagine', (fields, id) => resolve({ fields, id }));
      });
      const job = await h.queue.submit(submission('S', 'ann'));
      const { fields, id } = await seen;
      expect(fields).toEqual({ jobId: job.id, type: 'queued', position: '1' });
      expect(id).toMatch(/^\d+-\d+$/);
    } finally {
      await events.close();
      await backend.close();
      await h.dispose();
    }
  });
});
