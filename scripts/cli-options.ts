/** What the command-line scripts (imagine, upscale, safety) share: option parsers and the one-line failure. */
import { InvalidArgumentError } from 'commander';

export function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

export function decimal(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}.`);
    return n;
  };
}

/** Prints `<script>: <message>` on stderr and exits with 1. */
export function failWith(script: string): (message: string) => never {
  return (message) => {
    console.error(`${script}: ${message}`);
    process.exit(1);
  };
}
