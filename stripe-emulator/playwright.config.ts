import { defineConfig } from '@playwright/test';

/**
 * Runs only the emulator's browser specs, without the app's webServer (they
 * start their own emulator and webhook receiver):
 *   npx playwright test -c stripe-emulator/playwright.config.ts
 */
export default defineConfig({
  testDir: '../tests/e2e',
  testMatch: /stripe-emulator-.*\.spec\.ts$/,
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    launchOptions: {
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
});
