import { defineConfig } from "vitest/config";

export default defineConfig({
  // one Redis server per test file; the multi-instance tests spawn runtime processes
  test: { include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 30_000 },
});
