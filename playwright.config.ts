import { defineConfig } from '@playwright/test';

// Overridable so several checkouts of the repo can run their end-to-end suites side by side.
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);
const STRIPE_PORT = Number(process.env.E2E_STRIPE_PORT ?? 12112);

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      // Playwright cannot download its own browser here; Debian's chromium is used instead.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'node --import tsx scripts/e2e-server.ts',
    url: `http://127.0.0.1:${APP_PORT}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { E2E_APP_PORT: String(APP_PORT), E2E_STRIPE_PORT: String(STRIPE_PORT) },
  },
});
