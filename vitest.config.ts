import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // rebuilds dist/ when src/ or views/ are newer, so no test runs an old binary
    globalSetup: ['test/globalSetup.ts'],
    // integration and end-to-end tests share the local servers and a real terminal
    fileParallelism: true,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    // a wait on a real server (a job to fail, a port to close) takes longer than
    // expect.poll's default second on a busy machine
    expect: { poll: { timeout: 5_000 } },
    // Ink draws only the last frame when it sees CI set; the terminal tests need
    // every frame, as a person at a terminal gets (the binary clears it the same way).
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false' },
  },
});
