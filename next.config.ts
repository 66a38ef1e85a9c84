import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Workers, CLI and tests import server/ with plain Node; keep these out of the bundle and load them at run time.
  serverExternalPackages: ['bullmq', 'ioredis', 'pg', 'libpg-query', 'lighthouse', 'chrome-launcher', 'hdr-histogram-js', 'undici'],
  // npm test builds into its own folder (NEXT_DIST_DIR=.next-test), so it never swaps the build under a running demo.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // `npm test` runs `tsc --noEmit` over the whole repo (app, server, workers, scripts, tests) as its own step.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
};

export default nextConfig;
