// Memory after a million log lines through the runtime's log path (see
// memoryFeed.ts), in its own process so nothing else shares the heap.
import { progress } from './pty.mjs';
import { runBundled } from './bundle.mjs';

export async function benchMemory({ lines = 1_000_000 } = {}) {
  progress(`memory: feeding ${lines.toLocaleString('en-US')} log lines through the runtime`);
  return runBundled('bench/memoryFeed.ts', { args: ['--lines', String(lines)], nodeArgs: ['--expose-gc'] });
}
