import { defineConfig } from "@playwright/test";

// scripts/test starts the release server and passes its address in BASE_URL.
const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3000";

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    // Debian's Chromium: Playwright's own browser download is not possible here.
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    { name: "js", use: { ...chromium }, testIgnore: /nojs.*\.spec\.ts/ },
    { name: "no-js", use: { ...chromium, javaScriptEnabled: false }, testMatch: /nojs.*\.spec\.ts/ },
  ],
});
