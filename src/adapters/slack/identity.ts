/**
 * Who is invoking: display name and whether they administer the workspace (users.info is_admin /
 * is_owner / is_primary_owner, or listed in SLACK_ADMIN_USERS). Looked up after the ack, cached
 * briefly so a burst of clicks costs one users.info call.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../log/index.js';
import { BoundedMap } from '../../util/bounded-map.js';

export interface SlackIdentity {
  userName: string;
  isServerAdmin: boolean;
  /** The user's Slack language (users.info with include_locale), e.g. `de-DE`. */
  locale?: string;
}

interface CachedUser {
  name?: string;
  teamId?: string;
  admin: boolean;
  locale?: string;
  expires: number;
}

/** How long a users.info answer is trusted: an admin demoted in Slack loses rights within a minute. */
const TTL_MS = 60_000;
const MAX_ENTRIES = 5000;

export class SlackIdentityResolver {
  private cache = new BoundedMap<string, CachedUser>(MAX_ENTRIES);
  private inFlight = new Map<string, Promise<CachedUser | undefined>>();
  private readonly adminUsers: Set<string>;
  private warnedLookupFailure = false;

  constructor(
    private readonly client: webApi.WebClient,
    adminUsers: readonly string[],
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.adminUsers = new Set(adminUsers);
  }

  /**
   * `teamId` is the workspace the action happened in: an admin of another organisation in a shared
   * channel is not an admin here.
   */
  async resolve(userId: string, teamId: string, fallbackName: string): Promise<SlackIdentity> {
    const listed = this.adminUsers.has(userId);
    const user = await this.lookup(userId);
    const name = user?.name || fallbackName || userId;
    const admin = listed || Boolean(user?.admin && (!user.teamId || user.teamId === teamId));
    return { userName: name, isServerAdmin: admin, ...(user?.locale ? { locale: user.locale } : {}) };
  }

  private lookup(userId: string): Promise<CachedUser | undefined> {
    const hit = this.cache.get(userId);
    if (hit && hit.expires > this.now()) return Promise.resolve(hit);
    // Clicks in a burst share one users.info call.
    let pending = this.inFlight.get(userId);
    if (!pending) {
      pending = this.fetch(userId).finally(() => this.inFlight.delete(userId));
      this.inFlight.set(userId, pending);
    }
    return pending;
  }

  private async fetch(userId: string): Promise<CachedUser | undefined> {
    const now = this.now();
    try {
      const res = await this.client.users.info({ user: userId, include_locale: true });
      const u = res.user;
      const entry: CachedUser = {
        name: u?.profile?.display_name || u?.real_name || u?.name,
        teamId: u?.team_id,
        admin: Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner),
        locale: u?.locale,
        expires: now + TTL_MS,
      };
      this.cache.set(userId, entry);
      this.warnedLookupFailure = false;
      return entry;
    } catch (err) {
      // Missing users:read scope or a Slack hiccup: fall back to the configured admin list.
      if (!this.warnedLookupFailure) {
        this.warnedLookupFailure = true;
        this.log.warn({ err, userId }, 'users.info failed; only SLACK_ADMIN_USERS count as admins until it works (is the users:read scope granted?)');
      }
      return undefined;
    }
  }
}
