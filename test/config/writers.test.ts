import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.js';
import { ConfigError } from '../../src/config/errors.js';
import { clusterWriters, lastGoodSteadyMs, writerServices } from '../../src/config/writers.js';

const config = (ecs: string) => parseConfig(`environments:\n  prod:\n    ecs:\n${ecs}`, 'opsdeck.yaml', {});

describe('writers: and lastGood: under an ECS cluster entry', () => {
  it('writers as configured; else the services listed; else every service ECS runs in the cluster', () => {
    const env = config('      - cluster: a\n        services: [api, worker, cron]\n        writers: [api, worker]\n      - cluster: b\n        services: [web]\n      - cluster: c\n        lastGood: { steadyMinutes: 30 }\n').environments.prod!;
    expect(writerServices(env, (cluster) => (cluster === 'c' ? ['x', 'y'] : []))).toEqual([
      { cluster: 'a', service: 'api' },
      { cluster: 'a', service: 'worker' },
      { cluster: 'b', service: 'web' },
      { cluster: 'c', service: 'x' },
      { cluster: 'c', service: 'y' },
    ]);
    expect(clusterWriters(env.ecs[2]!)).toEqual([]);
    expect(lastGoodSteadyMs(env, 'c')).toBe(30 * 60_000);
    expect(lastGoodSteadyMs(env, 'a')).toBeUndefined();
  });

  it('a writer that is not one of the listed services is a config error naming it', () => {
    expect(() => config('      - cluster: a\n        services: [api]\n        writers: [api, cron]\n')).toThrow(ConfigError);
    expect(() => config('      - cluster: a\n        services: [api]\n        writers: [api, cron]\n')).toThrow(/writers\[1\]: "cron" is not one of this cluster's services \(api\)/);
    expect(() => config('      - cluster: a\n        lastGood: { steadyMinutes: 0 }\n')).toThrow(/steadyMinutes/);
  });
});
