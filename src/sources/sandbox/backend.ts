/**
 * The sandbox behind the same Backend port as the real systems: its own ECS,
 * RDS, queue and PostgreSQL admin controls, no shared lock, and for a drill its own databases
 * (a local PostgreSQL or PGlite) on a clock OPSDECK_SANDBOX_SPEED=N runs N
 * times faster.
 */
import { pause, StageError, type Backend, type DrillStage } from '../backend.js';
import type { RdsControl } from '../../actions/rds/context.js';
import { scaledClock, systemClock, type Clock } from '../../engine/clock.js';
import { createSandbox, type Sandbox } from './index.js';
import { sandboxEcsControl } from './control.js';
import { sandboxRdsControl } from './rdsControl.js';
import { sandboxQueueControl } from './queueControl.js';
import { sandboxPostgresAdmin } from './pgAdmin.js';
import { errorMessage } from '../../text/sanitize.js';

// the sandbox's restores take tens of seconds: look more often than RDS's 10 s
const POLL_MS = 2_000;

export function sandboxBackend(sandbox: Sandbox): Backend {
  return {
    ecsControl: sandboxEcsControl(sandbox),
    rdsControl: sandboxRdsControl(sandbox),
    queueControl: async () => sandboxQueueControl(sandbox),
    postgresAdmin: () => sandboxPostgresAdmin(sandbox),
    remembersChecklist: false,
    seededDrills: () => sandbox.drillHistory(),
    switchUnavailable: ':env is not available in the demo: it has one environment, the sandbox (start opsdeck with --config to switch between yours)',
    async drillStage(processEnv, databases): Promise<DrillStage> {
      const speed = Number(processEnv.OPSDECK_SANDBOX_SPEED || '1');
      if (!(speed >= 1 && speed <= 1000)) throw new StageError(`OPSDECK_SANDBOX_SPEED is "${processEnv.OPSDECK_SANDBOX_SPEED}"; use a number from 1 to 1000`, 'usage');
      const closers: (() => Promise<void>)[] = [];
      const close = async () => {
        for (const c of closers.reverse()) await c().catch(() => undefined);
      };
      let sb = sandbox;
      let clock: Clock = systemClock;
      if (speed !== 1) {
        clock = scaledClock(Date.now(), speed);
        sb = createSandbox({ scenario: sandbox.scenario, seed: sandbox.seed, clock });
        closers.push(() => sb.sources.close());
      }
      let rds: RdsControl = sandboxRdsControl(sb);
      const stage: DrillStage = { rds, now: () => clock.now(), sleep: (ms, s) => pause(Math.min(ms, POLL_MS) / speed, s), endpoints: (base) => base, close };
      if (!databases) return stage;
      try {
        // loaded only here: `opsdeck demo` and `check` never parse pg's server side or PGlite
        const { attachDrillDatabase, drillDatabaseOptionsFromEnv } = await import('./drillDatabase.js');
        let options;
        try {
          options = drillDatabaseOptionsFromEnv(processEnv);
        } catch (err) {
          throw new StageError(errorMessage(err), 'usage');
        }
        let db;
        try {
          db = await attachDrillDatabase(sb, options);
        } catch (err) {
          throw new StageError(`the sandbox could not set up its databases: ${errorMessage(err)}`, 'failed');
        }
        closers.push(() => db.close());
        rds = db.control(rds);
        return { ...stage, rds, endpoints: (base) => db.endpoints(base), note: `the sandbox's databases: ${db.where}` };
      } catch (err) {
        await close();
        throw err;
      }
    },
  };
}
