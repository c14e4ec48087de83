// Playwright runs the browser tests in Debian's chromium against the server cargo-leptos started.
import { defineConfig } from "@playwright/test";

const baseURL = process.env.STEMBUS_E2E_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  testDir: "./tests",
  // cargo-leptos starts the server and this command together; wait until the site answers.
  globalSetup: "./wait-for-site.ts",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // The tests count votes in one shared poll; one worker keeps those counts readable.
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    browserName: "chromium",
    locale: "nl-BE",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
