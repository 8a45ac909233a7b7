import { defineConfig } from "vitest/config";

export default defineConfig({
  // The `next start` suite builds a Next.js app first.
  test: { include: ["src/**/*.test.ts"], testTimeout: 15_000, hookTimeout: 180_000 },
});
