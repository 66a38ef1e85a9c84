import { defineConfig } from 'prisma/config';

// Prisma 7 throws on env("DATABASE_URL") when unset, even for `generate`: fall back to the local default.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/perfdeck' },
});
