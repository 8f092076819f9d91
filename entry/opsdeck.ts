// The bundle's entry, and the one module that knows both halves: the CLI
// lives in src/ and never imports views/, views/ never imports src/cli, so the
// terminal UI is handed to the CLI here. The import is dynamic so commands
// that draw nothing (check, config, actions) do not evaluate Ink and React.
import { main } from '../src/cli/main.js';

// The AWS SDK warns on stderr that Node 20 support ends in 2027; on a
// full-screen terminal UI that warning would tear the screen.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const code = await main(process.argv.slice(2), {
  launchTui: async (opts) => {
    // Ink reads CI / CONTINUOUS_INTEGRATION when it loads and then draws only the
    // last frame. The dashboard only starts on a terminal (checked before this),
    // so a CI variable inherited into an interactive session must not blank it.
    for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) delete process.env[key];
    return (await import('../views/launch.js')).launchTui(opts);
  },
});
// A signal that ended the dashboard has already set its own code (143, 129).
if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
