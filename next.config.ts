import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Workers, CLI and tests import server/ with plain Node; keep these out of the bundle and load them at run time.
  serverExternalPackages: ['bullmq', 'ioredis', 'pg', 'libpg-query', 'lighthouse', 'chrome-launcher', 'hdr-histogram-js', 'undici'],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
