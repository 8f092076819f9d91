// Region/profile precedence, the client settings, and the rule that keeps
// start-up cheap: no static import of an AWS SDK package under sources/aws.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAwsSettings } from '../../src/sources/aws/credentials.js';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { getIdentity } from '../../src/sources/aws/identity.js';
import { startMoto, type Moto } from '../support/moto.js';

describe('resolveAwsSettings', () => {
  it('takes the flags first, then the config, then leaves it to the SDK', () => {
    expect(resolveAwsSettings({ region: 'eu-west-1', profile: 'flag' }, { region: 'us-east-1', profile: 'cfg' }, {})).toEqual({
      region: 'eu-west-1',
      profile: 'flag',
      credentials: { kind: 'profile', profile: 'flag', from: 'flag' },
    });
    expect(resolveAwsSettings({ profile: ' ' }, { region: 'us-east-1', profile: 'cfg' }, { AWS_PROFILE: 'env' })).toEqual({
      region: 'us-east-1',
      profile: 'cfg',
      credentials: { kind: 'profile', profile: 'cfg', from: 'config' },
    });
    // AWS_PROFILE is the SDK's to read; we only remember it for error lines
    expect(resolveAwsSettings(undefined, undefined, { AWS_PROFILE: 'env', AWS_REGION: 'ap-south-1' })).toEqual({
      region: undefined,
      profile: undefined,
      credentials: { kind: 'profile', profile: 'env', from: 'AWS_PROFILE' },
    });
    expect(resolveAwsSettings(undefined, {}, { AWS_ACCESS_KEY_ID: 'AKIA' }).credentials).toEqual({ kind: 'environment' });
    expect(resolveAwsSettings(undefined, undefined, {}).credentials).toEqual({ kind: 'default' });
  });
});

describe('createAwsContext', () => {
  it('creates each client once, on first use, with the region, profile and adaptive retries', async () => {
    const ctx = createAwsContext({ flags: { region: 'eu-central-1', profile: 'oncall' }, config: { region: 'us-west-2', profile: 'prod' }, env: {} });
    expect(ctx.resolvedRegion()).toBe('eu-central-1');
    const ecs = await ctx.ecs();
    expect(await ctx.ecs()).toBe(ecs);
    expect(await ecs.config.region()).toBe('eu-central-1');
    expect(ecs.config.profile).toBe('oncall');
    expect(ecs.config.retryMode).toBe('adaptive');
    expect(await ecs.config.maxAttempts()).toBe(4);
    ctx.close();
  });

  it('leaves the region to the SDK when neither flag nor config sets one', async () => {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'sa-east-1';
    try {
      const ctx = createAwsContext({ env: {} });
      expect(ctx.region).toBeUndefined();
      expect(await (await ctx.sts()).config.region()).toBe('sa-east-1');
      expect(ctx.resolvedRegion()).toBe('sa-east-1');
      ctx.close();
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });

  it('never imports an AWS SDK package statically from src/sources/aws', () => {
    const dir = join('src', 'sources', 'aws');
    const offenders: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(dir, name), 'utf8');
      for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\b)[^;]*?from\s+['"](@aws-sdk\/[^'"]+)['"]/gm)) offenders.push(`${name}: ${m[0].trim()}`);
    }
    expect(offenders).toEqual([]);
  });
});

describe('endpoints from the SDK settings', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('honours AWS_ENDPOINT_URL without any opsdeck option', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    try {
      const ctx = createAwsContext({ config: { region: 'us-east-1' }, env: {}, sdk: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 } });
      expect((await getIdentity(ctx)).account).toMatch(/^\d{12}$/);
      ctx.close();
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });
});
