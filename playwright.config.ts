import { defineConfig } from '@playwright/test';
import { E2E_BASE_URL, E2E_DEMO_PORT, E2E_PORT, e2eServerEnv } from './e2e/env';

// e2e against the production build (`next build` runs first in scripts/test.sh), in Debian's Chromium.
// The console, the workers and the demo target are started directly (no npx) and stopped by Playwright.
const env = e2eServerEnv();

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // Playwright empties its output folder at start: keep it apart from the other runners' results.
  outputDir: process.env.E2E_OUTPUT_DIR ?? 'test-results/playwright',
  reporter: [['list'], ['json', { outputFile: process.env.E2E_JSON ?? 'test-results/e2e.json' }]],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: [
    {
      command: `node --import tsx demo/server.ts`,
      url: `http://127.0.0.1:${E2E_DEMO_PORT}/health`,
      env,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `node --import tsx workers/index.ts`,
      env,
      wait: { stdout: /serving/ },
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `node_modules/.bin/next start -H 127.0.0.1 -p ${E2E_PORT}`,
      url: `${E2E_BASE_URL}/api/health`,
      env,
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
