/**
 * The fake Discord's gateway WebSocket at /gateway: HELLO, IDENTIFY answered with READY and a
 * GUILD_CREATE per guild of the shard, heartbeats, RESUME answered with INVALID_SESSION (sessions
 * are not kept), and dispatch events sent to the connection that serves a guild's shard.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayGuildCreateDispatchData, GatewayReadyDispatchData } from 'discord.js';
import { iso, type BotConnections, type DiscordWorld, type FakeGuild, type FakeUser } from './world.js';

// Gateway opcodes (GatewayOpcodes in discord-api-types).
const Op = { Dispatch: 0, Heartbeat: 1, Identify: 2, Resume: 6, Reconnect: 7, InvalidSession: 9, Hello: 10, HeartbeatAck: 11 } as const;

interface Connection {
  ws: WebSocket;
  shard: [number, number];
  seq: number;
  sessionId: string;
  identified: boolean;
}

/** The shard of a guild: (id >> 22) % count, as Discord computes it. */
function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

export class Gateway implements BotConnections {
  /** Every IDENTIFY payload received, in order. */
  readonly identifies: any[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly world: DiscordWorld,
    private readonly heartbeatIntervalMs: number,
  ) {}

  /** Takes WebSocket upgrades to /gateway on the fake's HTTP server; others are refused. */
  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/gateway') {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** [shard id, shard count] of every identified connection. */
  get connectedShards(): [number, number][] {
    return [...this.connections].filter((c) => c.identified).map((c) => c.shard);
  }

  // ---------------------------------------------------------------- what the world sends

  serves(guildId: string | undefined): boolean {
    return this.connectionFor(guildId) !== undefined;
  }

  dispatch(guildId: string | undefined, event: string, data: unknown): void {
    const conn = this.connectionFor(guildId);
    if (conn) this.send(conn, event, data);
  }

  guildAdded(guild: FakeGuild): void {
    const conn = this.connectionFor(guild.id);
    if (conn) this.send(conn, 'GUILD_CREATE', this.guildCreatePayload(guild));
  }

  private connectionFor(guildId?: string): Connection | undefined {
    for (const c of this.connections) {
      if (!c.identified) continue;
      const [id, count] = c.shard;
      const shard = guildId ? shardOf(guildId, count) : 0;
      if (shard === id) return c;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- the protocol

  private onConnection(ws: WebSocket, url: URL): void {
    const conn: Connection = { ws, shard: [0, 1], seq: 0, sessionId: randomBytes(16).toString('hex'), identified: false };
    if (url.searchParams.get('v') !== '10' || url.searchParams.get('encoding') !== 'json') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    this.connections.add(conn);
    ws.on('close', () => {
      this.connections.delete(conn);
      this.world.emit('change');
    });
    ws.on('message', (raw) => {
      let payload: any;
      try {
        payload = JSON.parse(String(raw));
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      this.onPayload(conn, payload);
    });
    ws.send(JSON.stringify({ op: Op.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] }, s: null, t: null }));
  }

  private onPayload(conn: Connection, payload: { op: number; d: any }): void {
    switch (payload.op) {
      case Op.Heartbeat:
        conn.ws.send(JSON.stringify({ op: Op.HeartbeatAck, d: null, s: null, t: null }));
        return;
      case Op.Identify:
        this.onIdentify(conn, payload.d);
        return;
      case Op.Resume:
        // Sessions are not kept: the client identifies anew.
        conn.ws.send(JSON.stringify({ op: Op.InvalidSession, d: false, s: null, t: null }));
        return;
      default:
        return;
    }
  }

  private onIdentify(conn: Connection, d: any): void {
    const world = this.world;
    if (d.token !== world.token) {
      conn.ws.close(4004, 'Authentication failed.');
      return;
    }
    if (conn.identified) {
      conn.ws.close(4005, 'Already authenticated.');
      return;
    }
    const shard: [number, number] = Array.isArray(d.shard) ? [d.shard[0], d.shard[1]] : [0, 1];
    if (shard[0] >= shard[1]) {
      conn.ws.close(4010, 'Invalid shard.');
      return;
    }
    conn.shard = shard;
    this.identifies.push(d);
    const mine = world.guilds.filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    const ready: GatewayReadyDispatchData & Record<string, unknown> = {
      v: 10,
      user_settings: {},
      user: world.bot,
      guilds: mine.map((g) => ({ id: g.id, unavailable: true })),
      session_id: conn.sessionId,
      session_type: 'normal',
      resume_gateway_url: `ws://127.0.0.1:${world.port}/gateway`,
      shard,
      application: { id: world.applicationId, flags: 8_953_856 } as unknown as GatewayReadyDispatchData['application'],
      presences: [],
      private_channels: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['fake'],
      auth: {},
      _trace: ['["fake-gateway",{"micros":0}]'],
    };
    conn.identified = true;
    this.send(conn, 'READY', ready);
    for (const g of mine) this.send(conn, 'GUILD_CREATE', this.guildCreatePayload(g));
    world.emit('change');
  }

  private send(conn: Connection, t: string, d: unknown): void {
    conn.seq += 1;
    conn.ws.send(JSON.stringify({ op: Op.Dispatch, t, s: conn.seq, d }));
  }

  private guildCreatePayload(g: FakeGuild): GatewayGuildCreateDispatchData {
    const world = this.world;
    const member = (u: FakeUser) => world.guildMember(u, g);
    return {
      id: g.id,
      name: g.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: g.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 1,
      default_message_notifications: 1,
      explicit_content_filter: 2,
      roles: g.roles,
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: g.channels[0]!.id,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: 'en-US',
      max_members: 500_000,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      hub_type: null,
      incidents_data: null,
      joined_at: iso(Date.now() - 86_400_000),
      large: false,
      unavailable: false,
      member_count: 3,
      voice_states: [],
      members: [member(world.users.get(world.bot.id)!)],
      channels: g.channels as GatewayGuildCreateDispatchData['channels'],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    } as unknown as GatewayGuildCreateDispatchData;
  }
}
