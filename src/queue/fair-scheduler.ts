/**
 * The order in which queued jobs run, the same in both queue backends (the Redis backend runs it
 * in Lua, redis/lua/prelude.lua; the contract tests hold the two to one order). Start-time fair
 * queueing, twice:
 *
 * - Higher priority classes first.
 * - Across the servers of a class: when a server may start another job (it has fewer than its cap,
 *   server_max_running, released or running), its next job is released with the start tag
 *   max(the class's virtual time, the server's finish tag), and the server's finish tag becomes
 *   that plus the job's cost. Released jobs run in start-tag order; the virtual time is the
 *   largest start tag that has started. A server arriving while another floods starts at the
 *   virtual time, so it gets the next turn rather than a place behind the flood.
 * - Inside a server, the same across its users: the user with the smallest start tag
 *   max(the server's user time, the user's finish tag) goes next; ties go to the user waiting longest.
 *
 * A job's cost is its weight (fairWeight: the work of its steps), so servers and users get equal
 * shares of worker time, not of job counts. Pure data structure (no I/O, no clock). Costs: add,
 * take and finish O(released + users of the server), position O(waiting jobs of its class, with a
 * log for the users of each server), peek(k) O((k + users) log(servers + users)).
 */
import { LinkedList, type ListNode } from './linked-list.js';

export interface SchedulerEntry {
  id: string;
  serverId: string;
  userId: string;
  /** Higher runs first. */
  priority: number;
  /** The job's cost in the order (1 when absent). */
  weight?: number;
}

interface UserQueue<E> {
  id: string;
  jobs: LinkedList<E>;
  /** Place in the server's users with waiting jobs, oldest first (the tie-break). */
  node: ListNode<UserQueue<E>>;
}

/** A server's waiting jobs in one priority class. */
interface ServerQueue<E> {
  id: string;
  users: Map<string, UserQueue<E>>;
  /** Users with waiting jobs, in the order they started waiting. */
  ring: LinkedList<UserQueue<E>>;
  size: number;
}

/** A server's fair-queueing clock over its users, in one class (kept while it says something). */
interface UserClock {
  /** Start tag of the server's latest released job among its users. */
  time: number;
  /** Each user's finish tag, while it is ahead of `time`. */
  finish: Map<string, number>;
}

interface PriorityClass<E> {
  priority: number;
  /** Largest start tag of this class that has started. */
  virtualTime: number;
  /** Each server's finish tag, while it is ahead of the virtual time. */
  finish: Map<string, number>;
  /** Each server's clock over its users. */
  userClocks: Map<string, UserClock>;
  servers: Map<string, ServerQueue<E>>;
  size: number;
}

interface Pending<E> {
  entry: E;
  node: ListNode<E>;
  user: UserQueue<E>;
  server: ServerQueue<E>;
  level: PriorityClass<E>;
}

interface Released<E> {
  entry: E;
  level: PriorityClass<E>;
  tag: number;
  seq: number;
}

/** What a job costs in the order: its weight. */
const costOf = (entry: SchedulerEntry): number => entry.weight ?? 1;

const userKey = (serverId: string, userId: string) => `${serverId}\u0000${userId}`;

/** Released jobs run in this order: higher class, lower tag, released earlier. */
function before<E>(a: Released<E>, b: Released<E>): boolean {
  if (a.level.priority !== b.level.priority) return a.level.priority > b.level.priority;
  if (a.tag !== b.tag) return a.tag < b.tag;
  return a.seq < b.seq;
}

export class FairScheduler<E extends SchedulerEntry = SchedulerEntry> {
  private readonly levels = new Map<number, PriorityClass<E>>();
  /** Priorities with waiting jobs, highest first (a handful at most). */
  private priorities: number[] = [];
  private readonly pending = new Map<string, Pending<E>>();
  /** Released jobs, in the order they will be taken. */
  private readonly released: Released<E>[] = [];
  private readonly releasedById = new Map<string, Released<E>>();
  private readonly runningJobs = new Map<string, { entry: E; level: PriorityClass<E> }>();
  /** Jobs of a server released or running: what its cap limits. */
  private readonly inFlight = new Map<string, number>();
  private readonly runningByServer = new Map<string, number>();
  private readonly queuedByServer = new Map<string, number>();
  private readonly queuedByUser = new Map<string, number>();
  private readonly caps = new Map<string, number>();
  private seq = 0;

  /** @param defaultServerCap jobs of one server that may run at once unless setServerCap says otherwise */
  constructor(private readonly defaultServerCap = 1) {}

  /** Jobs waiting (released or not). */
  get size(): number {
    return this.pending.size + this.released.length;
  }

  /** Jobs taken and not finished. */
  get runningCount(): number {
    return this.runningJobs.size;
  }

  has(id: string): boolean {
    return this.pending.has(id) || this.releasedById.has(id);
  }

  isRunning(id: string): boolean {
    return this.runningJobs.has(id);
  }

  get(id: string): E | undefined {
    return this.pending.get(id)?.entry ?? this.releasedById.get(id)?.entry ?? this.runningJobs.get(id)?.entry;
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

  /** Jobs of this server that may run at once (its server_max_running); a raised cap releases more now. */
  setServerCap(serverId: string, cap: number): void {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`server cap must be a whole number ≥ 1 (got ${cap})`);
    if (cap === this.defaultServerCap) this.caps.delete(serverId);
    else this.caps.set(serverId, cap);
    this.release(serverId);
  }

  /** Queues a job behind the other jobs of its user. */
  add(entry: E): void {
    if (this.has(entry.id) || this.runningJobs.has(entry.id)) throw new Error(`job ${entry.id} is already scheduled`);
    const level = this.level(entry.priority);
    let server = level.servers.get(entry.serverId);
    if (!server) {
      server = { id: entry.serverId, users: new Map(), ring: new LinkedList(), size: 0 };
      level.servers.set(entry.serverId, server);
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
    this.pending.set(entry.id, { entry, node, user, server, level });
    bump(this.queuedByServer, entry.serverId, 1);
    bump(this.queuedByUser, userKey(entry.serverId, entry.userId), 1);
    this.release(entry.serverId);
  }

  /** Takes a waiting job out (cancelled); undefined when it is not waiting. */
  remove(id: string): E | undefined {
    const p = this.pending.get(id);
    if (p) {
      this.unlinkPending(p);
      this.forget(p.entry);
      return p.entry;
    }
    const r = this.releasedById.get(id);
    if (!r) return undefined;
    this.released.splice(this.released.indexOf(r), 1);
    this.releasedById.delete(id);
    bump(this.inFlight, r.entry.serverId, -1);
    this.forget(r.entry);
    this.release(r.entry.serverId);
    return r.entry;
  }

  /** The job whose turn it is, now counted as running; undefined when nothing waiting may run. */
  take(): E | undefined {
    const r = this.released.shift();
    if (!r) return undefined;
    this.releasedById.delete(r.entry.id);
    this.runningJobs.set(r.entry.id, { entry: r.entry, level: r.level });
    bump(this.runningByServer, r.entry.serverId, 1);
    this.forget(r.entry);
    if (r.tag > r.level.virtualTime) {
      r.level.virtualTime = r.tag;
      // A finish tag the virtual time has caught up with says nothing more: forget it (bounded memory).
      for (const [server, tag] of r.level.finish) if (tag <= r.tag) r.level.finish.delete(server);
    }
    return r.entry;
  }

  /**
   * take(), only when the job whose turn it is passes `test`: a batch grows from the fair order,
   * never by skipping a job to reach a compatible one further back.
   */
  takeIf(test: (entry: E) => boolean): E | undefined {
    const next = this.released[0];
    return next && test(next.entry) ? this.take() : undefined;
  }

  /** A taken job ended (done, failed, cancelled, or handed back); frees its server's slot. */
  finish(id: string): void {
    const running = this.runningJobs.get(id);
    if (!running) return;
    this.runningJobs.delete(id);
    bump(this.runningByServer, running.entry.serverId, -1);
    bump(this.inFlight, running.entry.serverId, -1);
    this.release(running.entry.serverId);
    this.dropLevelIfDone(running.level);
  }

  /**
   * 1-based place in the order jobs would be taken if nothing else arrived and no server were at
   * its cap; undefined when the job is not waiting. Released jobs come first, in their order; a
   * waiting job counts the jobs of its server released before it (by its users' start tags), and
   * of every other server the jobs whose start tags come before its own (ties by server id).
   */
  position(id: string): number | undefined {
    const r = this.releasedById.get(id);
    if (r) {
      let ahead = 0;
      for (const x of this.released) if (before(x, r)) ahead++;
      return ahead + 1;
    }
    const p = this.pending.get(id);
    if (!p) return undefined;
    let ahead = this.released.length;
    for (const prio of this.priorities) {
      if (prio === p.level.priority) break;
      ahead += this.levels.get(prio)!.size;
    }
    // m: jobs of the same server released before this one; its start tag is theirs added up.
    let m = 0;
    let tag = this.serverStart(p.level, p.server.id);
    for (const e of this.releaseOrder(p.level, p.server)) {
      if (e === p.entry) break;
      m++;
      tag += costOf(e);
    }
    for (const other of p.level.servers.values()) {
      if (other !== p.server) ahead += countBefore(this.serverStart(p.level, other.id), this.releaseOrder(p.level, other), tag, other.id < p.server.id);
    }
    return ahead + m + 1;
  }

  /** The first `limit` waiting jobs in the order of position(). */
  peek(limit: number): E[] {
    const out: E[] = this.released.slice(0, limit).map((r) => r.entry);
    for (const prio of this.priorities) {
      if (out.length >= limit) break;
      const level = this.levels.get(prio)!;
      // Each server's jobs in its release order, tagged from its next start tag up; merged by (tag, server id).
      const servers = new MinHeap(
        [...level.servers.values()].map((s) => ({ id: s.id, tag: this.serverStart(level, s.id), jobs: this.releaseOrder(level, s) })),
        (a, b) => (a.tag !== b.tag ? a.tag < b.tag : a.id < b.id),
      );
      while (out.length < limit) {
        const s = servers.peek();
        if (!s) break;
        const next = s.jobs.next();
        if (next.done) {
          servers.pop();
          continue;
        }
        out.push(next.value);
        s.tag += costOf(next.value);
        servers.fix();
      }
    }
    return out;
  }

  private level(priority: number): PriorityClass<E> {
    let level = this.levels.get(priority);
    if (!level) {
      level = { priority, virtualTime: 0, finish: new Map(), userClocks: new Map(), servers: new Map(), size: 0 };
      this.levels.set(priority, level);
      this.priorities = [...this.levels.keys()].sort((a, b) => b - a);
    }
    return level;
  }

  /** The start tag a server's next release in this class gets. */
  private serverStart(level: PriorityClass<E>, serverId: string): number {
    return Math.max(level.virtualTime, level.finish.get(serverId) ?? 0);
  }

  /** The start tag a user's next job gets among its server's users. */
  private userStart(clock: UserClock | undefined, userId: string): number {
    return Math.max(clock?.time ?? 0, clock?.finish.get(userId) ?? 0);
  }

  /** A server's waiting jobs in the order they would be released: by their users' start tags, ties to the user waiting longest. */
  private *releaseOrder(level: PriorityClass<E>, server: ServerQueue<E>): Generator<E> {
    const clock = level.userClocks.get(server.id);
    let rank = 0;
    const users = new MinHeap(
      [...server.ring.values()].map((u) => ({ tag: this.userStart(clock, u.id), rank: rank++, jobs: u.jobs.values() })),
      (a, b) => (a.tag !== b.tag ? a.tag < b.tag : a.rank < b.rank),
    );
    for (;;) {
      const u = users.peek();
      if (!u) return;
      const next = u.jobs.next();
      if (next.done) {
        users.pop();
        continue;
      }
      yield next.value;
      u.tag += costOf(next.value);
      users.fix();
    }
  }

  /** Hands a server's next waiting jobs out while it is under its cap: highest class first, its users by start tag. */
  private release(serverId: string): void {
    while ((this.inFlight.get(serverId) ?? 0) < this.serverCap(serverId)) {
      const level = this.priorities.map((prio) => this.levels.get(prio)!).find((l) => l.servers.has(serverId));
      if (!level) return;
      const server = level.servers.get(serverId)!;
      let clock = level.userClocks.get(serverId);
      let user = server.ring.head!.value;
      let userTag = this.userStart(clock, user.id);
      for (let n = server.ring.head!.next; n; n = n.next) {
        const t = this.userStart(clock, n.value.id);
        if (t < userTag) [user, userTag] = [n.value, t];
      }
      if (!clock) {
        clock = { time: 0, finish: new Map() };
        level.userClocks.set(serverId, clock);
      }
      const entry = user.jobs.head!.value;
      clock.time = userTag;
      clock.finish.set(user.id, userTag + costOf(entry));
      for (const [u, f] of clock.finish) if (f <= clock.time) clock.finish.delete(u);
      this.unlinkPending(this.pending.get(entry.id)!);

      const tag = this.serverStart(level, serverId);
      level.finish.set(serverId, tag + costOf(entry));
      const r: Released<E> = { entry, level, tag, seq: ++this.seq };
      let i = this.released.length;
      while (i > 0 && before(r, this.released[i - 1]!)) i--;
      this.released.splice(i, 0, r);
      this.releasedById.set(entry.id, r);
      bump(this.inFlight, serverId, 1);
    }
  }

  /** Takes a waiting job out of its user's list (it is released, or removed). */
  private unlinkPending(p: Pending<E>): void {
    const { entry, node, user, server, level } = p;
    user.jobs.remove(node);
    if (user.jobs.size === 0) {
      server.ring.remove(user.node);
      server.users.delete(user.id);
    }
    server.size--;
    if (server.size === 0) {
      level.servers.delete(server.id);
      // With nothing waiting, the server's users are all even again.
      const clock = level.userClocks.get(server.id);
      if (clock && clock.finish.size === 0) level.userClocks.delete(server.id);
    }
    level.size--;
    this.pending.delete(entry.id);
  }

  /** A job is no longer waiting (taken or removed). */
  private forget(entry: E): void {
    bump(this.queuedByServer, entry.serverId, -1);
    bump(this.queuedByUser, userKey(entry.serverId, entry.userId), -1);
    const level = this.levels.get(entry.priority);
    if (level) this.dropLevelIfDone(level);
  }

  /** A class with nothing waiting, released or running forgets its clocks. */
  private dropLevelIfDone(level: PriorityClass<E>): void {
    if (level.size > 0 || this.released.some((r) => r.level === level)) return;
    for (const r of this.runningJobs.values()) if (r.level === level) return;
    this.levels.delete(level.priority);
    this.priorities = this.priorities.filter((p) => p !== level.priority);
  }
}

/**
 * Of a queue whose jobs (in order) start at `from` and each start where the one before it ends,
 * how many come before a job with start tag `tag`; `wins` says whether that queue goes first on a tie.
 */
function countBefore<E extends SchedulerEntry>(from: number, jobs: Iterable<E>, tag: number, wins: boolean): number {
  let n = 0;
  let start = from;
  for (const e of jobs) {
    if (start > tag || (start === tag && !wins)) break;
    n++;
    start += costOf(e);
  }
  return n;
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const v = (map.get(key) ?? 0) + by;
  if (v === 0) map.delete(key);
  else map.set(key, v);
}

/** A binary min-heap whose top may change in place (fix() after its key grew). */
class MinHeap<T> {
  private readonly items: T[];

  constructor(
    items: T[],
    private readonly less: (a: T, b: T) => boolean,
  ) {
    this.items = [...items];
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): void {
    const last = this.items.pop();
    if (this.items.length === 0 || last === undefined) return;
    this.items[0] = last;
    this.down(0);
  }

  fix(): void {
    this.down(0);
  }

  private down(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}
