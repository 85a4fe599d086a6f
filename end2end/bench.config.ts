import config from "./playwright.config";
import { defineConfig } from "@playwright/test";

// scripts/bench-shopper: timings in a real browser against the release build (not part of the test suite).
export default defineConfig({
  ...config,
  testDir: "./bench",
  testMatch: /.*\.bench\.ts/,
  timeout: 300_000,
  projects: [config.projects![0]],
});
