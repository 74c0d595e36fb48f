/**
 * A picture a user starts a job from (an attachment, or a link at the start of the prompt): fetched
 * only from the platform's own file host or a host the deployer lists (IMAGE_HOSTS), read with
 * bounds, and fitted to the size the job makes. Every refusal is a UserError for the user.
 */
import sharp from 'sharp';
import type { Platform } from '../core/invocation.js';
import { fetchImageBytes, type FetchPolicy } from '../images/fetch.js';
import { decodeSourceImage } from '../images/source-image.js';
import type { RgbImage } from '../pipeline/types.js';

/** The largest file fetched, the longest a fetch may take, the most pixels read (README says these). */
export const IMAGE_PROMPT_LIMITS = { maxBytes: 20_000_000, timeoutMs: 10_000, maxPixels: 4096 * 4096 };

/** Where each platform keeps the files its users attach. */
export const PLATFORM_IMAGE_HOSTS: Record<Platform, readonly string[]> = {
  discord: ['cdn.discordapp.com', 'media.discordapp.net'],
  slack: ['files.slack.com'],
  web: [],
};

export interface ImagePromptSource {
  platform: Platform;
  /** IMAGE_HOSTS. */
  extraHosts: readonly string[];
  /** Slack's files need the bot token. */
  slackToken?: string;
  /** SLACK_API_URL: where the deployer says Slack is; its host serves files too when it is not slack.com (a proxy, a test). */
  slackApiUrl?: string;
}

/** Hosts (host or host:port) that get the Slack bot token with a file request: Slack's file host, and SLACK_API_URL's host when it is not slack.com. */
export function slackTokenHosts(slackApiUrl?: string): string[] {
  const hosts = ['files.slack.com'];
  if (slackApiUrl) {
    const api = new URL(slackApiUrl);
    if (api.hostname !== 'slack.com' && !api.hostname.endsWith('.slack.com')) hosts.push(api.host);
  }
  return hosts;
}

/** The picture behind a link, as RGB, or a UserError saying why not. */
export async function loadImagePrompt(link: string, source: ImagePromptSource): Promise<RgbImage> {
  const tokenHosts = slackTokenHosts(source.slackApiUrl);
  const policy: FetchPolicy = {
    allowedHosts: [...PLATFORM_IMAGE_HOSTS[source.platform], ...source.extraHosts],
    maxBytes: IMAGE_PROMPT_LIMITS.maxBytes,
    timeoutMs: IMAGE_PROMPT_LIMITS.timeoutMs,
    headersFor: (url) =>
      source.platform === 'slack' && source.slackToken && (url.hostname === 'files.slack.com' || tokenHosts.includes(url.host)) ? { authorization: `Bearer ${source.slackToken}` } : undefined,
  };
  return decodeSourceImage(await fetchImageBytes(link, policy), { maxPixels: IMAGE_PROMPT_LIMITS.maxPixels });
}

/** The picture covering width×height, centred (what is cut is cut evenly from both sides). */
export async function fitImage(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The aspect ratio nearest a picture's among the ones /imagine offers, for a request that names none. */
export function nearestAspectRatio(width: number, height: number, ratios: readonly string[]): string {
  const target = Math.log(width / height);
  let best = ratios[0]!;
  for (const r of ratios) {
    const [w, h] = r.split(':').map(Number) as [number, number];
    const [bw, bh] = best.split(':').map(Number) as [number, number];
    if (Math.abs(Math.log(w / h) - target) < Math.abs(Math.log(bw / bh) - target)) best = r;
  }
  return best;
}
