import { msg } from './markup.js';
/**
 * What an image safety check means for a server: the classes that count as unsafe, their summed
 * score against the server's `nsfw_threshold`, and its `nsfw_policy`. `allow` holds only in an
 * age-restricted channel (Discord's channel nsfw flag); elsewhere it acts as `spoiler`.
 */

export const NSFW_POLICIES = ['block', 'spoiler', 'allow'] as const;
export type NsfwPolicy = (typeof NSFW_POLICIES)[number];

/** nsfwjs's classes whose scores add up to a picture's unsafe score; Drawing and Neutral are safe. */
export const UNSAFE_CLASSES = ['Hentai', 'Porn', 'Sexy'] as const;

/** The unsafe score from which a picture is treated as explicit unless a server sets its own. */
export const DEFAULT_NSFW_THRESHOLD = 0.6;

/** What happens to a picture: posted as it is, posted as a spoiler, or not posted at all. */
export type SafetyVerdict = 'pass' | 'spoiler' | 'block';

/** diffusers' safety checker's verdict among the scores (1 flagged), when the model folder carries one. */
export const DIFFUSERS_CHECKER = 'safety_checker';

/** The summed probability of the unsafe classes (0–1); a picture diffusers' safety checker flags counts as 1. */
export function unsafeScore(scores: Record<string, number>): number {
  if ((scores[DIFFUSERS_CHECKER] ?? 0) > 0) return 1;
  return UNSAFE_CLASSES.reduce((sum, c) => sum + (scores[c] ?? 0), 0);
}

export function safetyVerdict(scores: Record<string, number>, policy: NsfwPolicy = 'block', threshold = DEFAULT_NSFW_THRESHOLD, ageRestricted = false): SafetyVerdict {
  if (unsafeScore(scores) < threshold) return 'pass';
  if (policy === 'block') return 'block';
  return policy === 'allow' && ageRestricted ? 'pass' : 'spoiler';
}

/** What the requester is told when a result is blocked. */
export const SAFETY_BLOCKED = msg("This result was not posted: this server's image safety check flagged it. The images were given back to your quota.");
