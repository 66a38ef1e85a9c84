// Global setup for the integration project. Each test file creates (and drops) its own database, so nothing is
// shared here yet; the file exists because vitest.config.ts names it.
export function setup(): void {}
