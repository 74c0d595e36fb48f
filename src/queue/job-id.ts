import { randomBytes } from 'node:crypto';

/** No 0/o, 1/l: ids are read off a screen and typed into /cancel. */
const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A new job id: 10 characters, easy to read and type in /cancel. */
export function newJobId(): string {
  let id = '';
  for (const b of randomBytes(10)) id += ID_ALPHABET[b & 31];
  return id;
}
