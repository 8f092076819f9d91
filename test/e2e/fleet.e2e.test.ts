// The :fleet screen in a real terminal against AWS as moto serves it in two
// regions: the dashboard opened on one environment lists both with the
// judge's verdicts (the west's service runs 2 of 3), and Enter on the west
// opens it. At 80x24 and at 160x48.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { startMoto, type Moto } from '../support/moto.js';
import { startInTmux, type TmuxSession } from './tmux.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
let moto: Moto;
let tmp = '';
const direct: AwsContext[] = [];
let session: TmuxSession | undefined;

async function seed(region: string, cluster: string, desired: number): Promise<void> {
  const ctx = createAwsContext({ config: { region }, env: {}, sdk: moto.sdk });
  direct.push(ctx);
  const ecs = await ctx.sdk('ecs');
  const client = await ctx.ecs();
  await client.send(new ecs.CreateClusterCommand({ clusterName: cluster }));
  await client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'web:1', memory: 256 }] }));
  await client.send(new ecs.CreateServiceCommand({ cluster, serviceName: 'api', taskDefinition: 'web:1', desiredCount: desired }));
}

beforeAll(async () => {
  // moto runs 2 tasks of every service: 2 desired in the east is whole, 3 in the west is short
  moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' });
  await seed('us-east-1', 'east', 2);
  await seed('eu-west-1', 'west', 3);
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-fleet-e2e-'));
  writeFileSync(
    join(tmp, 'opsdeck.yaml'),
    ['environments:', '  east:', '    aws: { region: us-east-1 }', '    ecs: [{ cluster: east }]', '  west:', '    aws: { region: eu-west-1 }', '    ecs: [{ cluster: west }]', ''].join('\n'),
  );
}, 60_000);

afterEach(() => {
  session?.kill();
  session = undefined;
});

afterAll(async () => {
  for (const c of direct) c.close();
  await moto?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe(':fleet in tmux', { timeout: 90_000 }, () => {
  for (const [cols, rows] of [[80, 24], [160, 48]] as const) {
    it(`at ${cols}x${rows}: both regions with their verdicts, Enter opens the west`, async () => {
      const env = {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        OPSDECK_STATE_DIR: join(tmp, `state-${cols}`),
      };
      const s = (session = startInTmux(`env -u NO_COLOR -u FORCE_COLOR -u AWS_PROFILE node ${BIN} --config ${join(tmp, 'opsdeck.yaml')} --env east`, { cols, rows, env }));
      await s.waitFor((sc) => sc.includes('ECS') && sc.includes('api'), 'the east dashboard', 30_000);
      s.keys(':');
      s.type('fleet');
      s.keys('Enter');
      const screen = await s.waitFor((sc) => /Fleet · 2 environments · checked/.test(sc) && /✓ east\s+OK/.test(sc) && /[✗⚠] west\s+(CRIT|WARN)/.test(sc), 'both environments judged', 45_000);
      // the west's problem is the shortfall ECS reports, named under its row
      expect(screen).toMatch(/⚠ api\s+1 of 3 tasks not running/);
      s.keys('j');
      s.keys('Enter');
      await s.waitFor((sc) => !sc.includes('Fleet ·') && /\bWEST\b[\s\S]*region eu-west-1/.test(sc.split('\n').slice(0, 3).join(' ')), 'the west opened', 30_000);
    });
  }
});
