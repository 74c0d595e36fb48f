import { describe, expect, it } from 'vitest';
import { FairScheduler, type SchedulerEntry } from '../../src/queue/fair-scheduler.js';

let seq = 0;
const job = (serverId: string, userId = 'u', priority = 0): SchedulerEntry => ({ id: `${serverId}-${userId}-${seq++}`, serverId, userId, priority });

/** Takes every job, finishing each at once, and returns the ids in the order they were taken. */
function drain(s: FairScheduler): string[] {
  const order: string[] = [];
  for (let e = s.take(); e; e = s.take()) {
    order.push(e.id);
    s.finish(e.id);
  }
  return order;
}

/** A small deterministic random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('FairScheduler', () => {
  it('lets a server that arrives later go before a flooding server’s backlog', () => {
    const s = new FairScheduler();
    const a = Array.from({ length: 100 }, () => job('A'));
    a.forEach((j) => s.add(j));
    // A's first job is already running when B arrives.
    const first = s.take()!;
    expect(first.id).toBe(a[0]!.id);
    const b = Array.from({ length: 5 }, () => job('B'));
    b.forEach((j) => s.add(j));
    s.finish(first.id);
    const order = [first.id, ...drain(s)];
    const twelfthOfA = order.indexOf(a[11]!.id);
    for (const j of b) expect(order.indexOf(j.id)).toBeLessThan(twelfthOfA);
    expect(order.filter((id) => id.startsWith('A-'))).toEqual(a.map((j) => j.id));
  });

  it('takes turns between the users of one server', () => {
    const s = new FairScheduler();
    const ann = [job('S', 'ann'), job('S', 'ann'), job('S', 'ann'), job('S', 'ann')];
    const bob = [job('S', 'bob'), job('S', 'bob')];
    const cy = [job('S', 'cy')];
    [...ann, ...bob, ...cy].forEach((j) => s.add(j));
    expect(drain(s)).toEqual([ann[0], bob[0], cy[0], ann[1], bob[1], ann[2], ann[3]].map((j) => j!.id));
  });

  it('never runs more of one server’s jobs at once than its cap, and runs others meanwhile', () => {
    const s = new FairScheduler();
    s.setServerCap('A', 2);
    ['A', 'A', 'A', 'A', 'B', 'B'].forEach((srv) => s.add(job(srv)));
    const taken = [s.take(), s.take(), s.take(), s.take()];
    expect(taken.map((e) => e?.serverId)).toEqual(['A', 'B', 'A', undefined]);
    expect(s.runningForServer('A')).toBe(2);
    expect(s.runningForServer('B')).toBe(1);
    s.finish(taken[1]!.id);
    // B has a slot again; A is still full.
    expect(s.take()?.serverId).toBe('B');
    expect(s.take()).toBeUndefined();
    s.finish(taken[0]!.id);
    expect(s.take()?.serverId).toBe('A');
  });

  it('runs higher priority classes first', () => {
    const s = new FairScheduler();
    const low = job('A', 'u', 0);
    const high = job('B', 'u', 5);
    s.add(low);
    s.add(high);
    expect(s.position(high.id)).toBe(1);
    expect(s.position(low.id)).toBe(2);
    expect(drain(s)).toEqual([high.id, low.id]);
  });

  it('removes a queued job from the middle and keeps everyone else’s order', () => {
    const s = new FairScheduler();
    const js = [job('A'), job('A'), job('B'), job('A')];
    js.forEach((j) => s.add(j));
    expect(s.remove(js[1]!.id)?.id).toBe(js[1]!.id);
    expect(s.remove(js[1]!.id)).toBeUndefined();
    expect(s.queuedForServer('A')).toBe(2);
    expect(drain(s)).toEqual([js[0]!.id, js[2]!.id, js[3]!.id]);
  });

  it('counts queued jobs per user and refuses a duplicate id', () => {
    const s = new FairScheduler();
    const j = job('A', 'ann');
    s.add(j);
    s.add(job('A', 'ann'));
    s.add(job('A', 'bob'));
    expect(s.queuedForUser('A', 'ann')).toBe(2);
    expect(s.queuedForUser('A', 'bob')).toBe(1);
    expect(() => s.add(j)).toThrow(/already/);
  });

  it('gives a user who was just served the turn after the others, even when their queue ran empty in between', () => {
    const s = new FairScheduler();
    const first = job('S', 'ann');
    s.add(first);
    expect(s.take()?.id).toBe(first.id);
    const next = [job('S', 'ann'), job('S', 'bob'), job('S', 'cy')];
    next.forEach((j) => s.add(j));
    s.finish(first.id);
    expect(drain(s)).toEqual([next[1]!.id, next[2]!.id, next[0]!.id]);
  });

  it('with servers at their caps, tells places that agree with its own peek', () => {
    const rnd = random(7);
    for (let round = 0; round < 20; round++) {
      const s = new FairScheduler();
      for (let k = 0; k < 6; k++) s.setServerCap(`s${k}`, 1 + Math.floor(rnd() * 3));
      const ids: string[] = [];
      for (let i = 0; i < 40 + Math.floor(rnd() * 100); i++) {
        const j = job(`s${Math.floor(rnd() * 6)}`, `u${Math.floor(rnd() * 4)}`, rnd() < 0.1 ? 1 : 0);
        s.add(j);
        ids.push(j.id);
        if (rnd() < 0.2) s.take();
        if (rnd() < 0.1) {
          const running = ids.find((id) => s.isRunning(id));
          if (running) s.finish(running);
        }
      }
      const peek = s.peek(1000).map((e) => e.id);
      expect(peek.length).toBe(s.size);
      peek.forEach((id, i) => expect(s.position(id)).toBe(i + 1));
    }
  });

  it('reports positions and a peek that match the order jobs are really taken', () => {
    const rnd = random(42);
    for (let round = 0; round < 20; round++) {
      const s = new FairScheduler(1000);
      const ids: string[] = [];
      const n = 20 + Math.floor(rnd() * 200);
      for (let i = 0; i < n; i++) {
        const j = job(`s${Math.floor(rnd() * 6)}`, `u${Math.floor(rnd() * 4)}`, rnd() < 0.1 ? 1 : 0);
        s.add(j);
        ids.push(j.id);
        // Now and then a job runs or is cancelled, moving the rings.
        if (rnd() < 0.15) {
          const t = s.take();
          if (t) s.finish(t.id);
        }
        if (rnd() < 0.05) s.remove(ids[Math.floor(rnd() * ids.length)]!);
      }
      const queued = ids.filter((id) => s.has(id));
      const positions = new Map(queued.map((id) => [id, s.position(id)!]));
      const peek = s.peek(15).map((e) => e.id);
      const order = drain(s);
      expect(order.length).toBe(queued.length);
      order.forEach((id, i) => expect(positions.get(id)).toBe(i + 1));
      expect(peek).toEqual(order.slice(0, 15));
    }
  });
});
