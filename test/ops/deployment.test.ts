/**
 * What compose.yaml and the Dockerfile give a deployer who changes nothing: Redis asks for a
 * password that comes from .env, nothing is published beyond the host's loopback, .env can point
 * REDIS_URL elsewhere, and the image keeps its ops port inside the container.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/config.js';

interface Service {
  command?: string | string[];
  ports?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  profiles?: string[];
}

const compose = parse(readFileSync(join(PROJECT_ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const dockerfile = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');

describe('compose.yaml', () => {
  it('runs Redis with a password from .env and publishes none of its ports', () => {
    const redis = compose.services.redis!;
    expect(redis.ports ?? []).toEqual([]);
    expect([redis.command].flat().join(' ')).toContain('--requirepass "$$REDIS_PASSWORD"');
    expect(redis.environment?.REDIS_PASSWORD).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(redis.healthcheck?.test.join(' ')).toContain('REDISCLI_AUTH="$$REDIS_PASSWORD"');
  });

  it('gives every bot container the password and lets .env choose REDIS_URL', () => {
    for (const name of ['bot', 'worker', 'worker-cuda']) {
      const env = compose.services[name]!.environment!;
      expect(env.REDIS_PASSWORD, name).toMatch(/^\$\{REDIS_PASSWORD:\?/);
      expect(env.REDIS_URL, name).toBe('${REDIS_URL:-redis://redis:6379}');
    }
  });

  it('publishes ports on the host loopback only', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });
});

describe('the Dockerfile', () => {
  it('leaves ops on the container loopback unless OPS_HOST says otherwise', () => {
    const instructions = dockerfile.split('\n').filter((line) => !line.trimStart().startsWith('#'));
    expect(instructions.filter((line) => line.includes('OPS_HOST'))).toEqual([]);
  });
});
