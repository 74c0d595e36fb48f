/**
 * The order in which queued jobs run: higher priority classes first; inside a class, round-robin
 * across servers, then round-robin across the users of each server; a server never has more than
 * its cap of jobs running. Pure data structure (no I/O, no clock), shared by every queue backend.
 *
 * Costs: add, remove, take and finish are O(1) (take skips at most the servers that are at their
 * cap, which is bounded by the number of running jobs, times the number of priority classes);
 * position is O(users of the job's server + servers of its class + the job's place in its user's
 * list); peek(k) is O(k) plus the servers and users it walks past.
 */
import { LinkedList, type ListNode } from './linked-list.js';

export interface SchedulerEntry {
  id: string;
  serverId: string;
  userId: string;
  /** Higher runs first. */
  priority: number;
}

interface UserQueue<E> {
  id: string;
  jobs: LinkedList<E>;
  node: ListNode<UserQueue<E>>;
}

interface ServerQueue<E> {
  id: string;
  users: Map<string, UserQueue<E>>;
  /** Users with queued jobs; the head has the next turn. */
  ring: LinkedList<UserQueue<E>>;
  size: number;
  node: ListNode<ServerQueue<E>>;
}

interface PriorityClass<E> {
  priority: number;
  servers: Map<string, ServerQueue<E>>;
  /** Servers with queued jobs; the head has the next turn. */
  ring: LinkedList<ServerQueue<E>>;
  size: number;
}

interface Located<E> {
  entry: E;
  node: ListNode<E>;
  user: UserQueue<E>;
  server: ServerQueue<E>;
  level: PriorityClass<E>;
}

const userKey = (serverId: string, userId: string) => `${serverId}\u0000${userId}`;

export class FairScheduler<E extends SchedulerEntry = SchedulerEntry> {
  private readonly levels = new Map<number, PriorityClass<E>>();
  /** Priorities with queued jobs, highest first (a handful at most). */
  private priorities: number[] = [];
  private readonly queued = new Map<string, Located<E>>();
  private readonly runningJobs = new Map<string, E>();
  private readonly runningByServer = new Map<string, number>();
  private readonly queuedByServer = new Map<string, number>();
  private readonly queuedByUser = new Map<string, number>();
  private readonly caps = new Map<string, number>();

  /** @param defaultServerCap jobs of one server that may run at once unless setServerCap says otherwise */
  constructor(private readonly defaultServerCap = 1) {}

  /** Jobs waiting. */
  get size(): number {
    return this.queued.size;
  }

  /** Jobs taken and not finished. */
  get runningCount(): number {
    return this.runningJobs.size;
  }

  has(id: string): boolean {
    return this.queued.has(id);
  }

  isRunning(id: string): boolean {
    return this.runningJobs.has(id);
  }

  get(id: string): E | undefined {
    return this.queued.get(id)?.entry ?? this.runningJobs.get(id);
  }

  queuedForServer(serverId: string): number {
    return this.queuedByServer.get(serverId) ?? 0;
  }

  queuedForUser(serverId: string, userId: string): number {
    return this.queuedByUser.get(userKey(serverId, userId)) ?? 0;
  }

  runningForServer(serverId: string): number {
    return this.runningByServer.get(serverId) ?? 0;
  }

  serverCap(serverId: string): number {
    return this.caps.get(serverId) ?? this.defaultServerCap;
  }

  /** Jobs of this server that may run at once (its server_max_running). */
  setServerCap(serverId: string, cap: number): void {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`server cap must be a whole number ≥ 1 (got ${cap})`);
    if (cap === this.defaultServerCap) this.caps.delete(serverId);
    else this.caps.set(serverId, cap);
  }

  /** Queues a job behind the other jobs of its user. */
  add(entry: E): void {
    if (this.queued.has(entry.id) || this.runningJobs.has(entry.id)) throw new Error(`job ${entry.id} is already scheduled`);
    let level = this.levels.get(entry.priority);
    if (!level) {
      level = { priority: entry.priority, servers: new Map(), ring: new LinkedList(), size: 0 };
      this.levels.set(entry.priority, level);
      this.priorities = [...this.levels.keys()].sort((a, b) => b - a);
    }
    let server = level.servers.get(entry.serverId);
    if (!server) {
      const s = { id: entry.serverId, users: new Map(), ring: new LinkedList(), size: 0 } as unknown as ServerQueue<E>;
      s.node = level.ring.push(s);
      level.servers.set(entry.serverId, s);
      server = s;
    }
    let user = server.users.get(entry.userId);
    if (!user) {
      const u = { id: entry.userId, jobs: new LinkedList<E>() } as UserQueue<E>;
      u.node = server.ring.push(u);
      server.users.set(entry.userId, u);
      user = u;
    }
    const node = user.jobs.push(entry);
    server.size++;
    level.size++;
    this.queued.set(entry.id, { entry, node, user, server, level });
    bump(this.queuedByServer, entry.serverId, 1);
    bump(this.queuedByUser, userKey(entry.serverId, entry.userId), 1);
  }

  /** Takes a queued job out (cancelled); undefined when it is not queued. */
  remove(id: string): E | undefined {
    const loc = this.queued.get(id);
    if (!loc) return undefined;
    this.unlink(loc);
    return loc.entry;
  }

  /**
   * The job whose turn it is, now counted as running; undefined when nothing queued may run
   * (empty, or every server with queued jobs is at its cap).
   */
  take(): E | undefined {
    for (const priority of this.priorities) {
      const level = this.levels.get(priority)!;
      for (let n = level.ring.head; n; n = n.next) {
        const server = n.value;
        if (this.runningForServer(server.id) >= this.serverCap(server.id)) continue;
        const user = server.ring.head!.value;
        const entry = user.jobs.head!.value;
        // Rotate before unlinking so that a server or user that keeps jobs goes to the back.
        server.ring.moveToBack(user.node);
        level.ring.moveToBack(server.node);
        this.unlink(this.queued.get(entry.id)!);
        this.runningJobs.set(entry.id, entry);
        bump(this.runningByServer, entry.serverId, 1);
        return entry;
      }
    }
    return undefined;
  }

  /** A taken job ended (done, failed, cancelled, or handed back); frees its server's slot. */
  finish(id: string): void {
    const entry = this.runningJobs.get(id);
    if (!entry) return;
    this.runningJobs.delete(id);
    bump(this.runningByServer, entry.serverId, -1);
  }

  /**
   * 1-based place in the order jobs would be taken if nothing else arrived and no server were
   * at its cap; undefined when the job is not queued.
   */
  position(id: string): number | undefined {
    const loc = this.queued.get(id);
    if (!loc) return undefined;
    let ahead = 0;
    for (const p of this.priorities) {
      if (p === loc.level.priority) break;
      ahead += this.levels.get(p)!.size;
    }
    // k: jobs of the same user ahead of this one.
    let k = 0;
    for (let n = loc.user.jobs.head; n && n !== loc.node; n = n.next) k++;
    // m: jobs of the same server taken before this one (its users take turns, one job a turn).
    let m = k;
    let before = true;
    for (let n = loc.server.ring.head; n; n = n.next) {
      if (n.value === loc.user) {
        before = false;
        continue;
      }
      m += Math.min(n.value.jobs.size, before ? k + 1 : k);
    }
    // This job is its server's (m+1)-th turn; every other server gets one job a turn.
    before = true;
    for (let n = loc.level.ring.head; n; n = n.next) {
      if (n.value === loc.server) {
        before = false;
        continue;
      }
      ahead += Math.min(n.value.size, before ? m + 1 : m);
    }
    return ahead + m + 1;
  }

  /** The first `limit` queued jobs in the order they would be taken (same assumptions as position). */
  peek(limit: number): E[] {
    const out: E[] = [];
    for (const p of this.priorities) {
      if (out.length >= limit) break;
      for (const e of roundRobin(this.levels.get(p)!.ring, serverOrder)) {
        out.push(e);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  private unlink(loc: Located<E>): void {
    const { entry, node, user, server, level } = loc;
    user.jobs.remove(node);
    if (user.jobs.size === 0) {
      server.ring.remove(user.node);
      server.users.delete(user.id);
    }
    server.size--;
    if (server.size === 0) {
      level.ring.remove(server.node);
      level.servers.delete(server.id);
    }
    level.size--;
    if (level.size === 0) {
      this.levels.delete(level.priority);
      this.priorities = this.priorities.filter((p) => p !== level.priority);
    }
    this.queued.delete(entry.id);
    bump(this.queuedByServer, entry.serverId, -1);
    bump(this.queuedByUser, userKey(entry.serverId, entry.userId), -1);
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const v = (map.get(key) ?? 0) + by;
  if (v === 0) map.delete(key);
  else map.set(key, v);
}

/** A server's jobs in the order its users take turns. */
function serverOrder<E>(server: ServerQueue<E>): Iterator<E> {
  return roundRobin(server.ring, (u) => u.jobs.values());
}

/**
 * Turns across a ring of queues: one item from each in ring order, round after round, skipping
 * those that ran out. The first round walks the ring lazily, so taking a few items is cheap.
 */
function* roundRobin<Q, E>(ring: LinkedList<Q>, itemsOf: (q: Q) => Iterator<E>): Generator<E> {
  let active: Iterator<E>[] = [];
  for (let n = ring.head; n; n = n.next) {
    const it = itemsOf(n.value);
    const r = it.next();
    if (r.done) continue;
    yield r.value;
    active.push(it);
  }
  while (active.length) {
    const still: Iterator<E>[] = [];
    for (const it of active) {
      const r = it.next();
      if (r.done) continue;
      yield r.value;
      still.push(it);
    }
    active = still;
  }
}
