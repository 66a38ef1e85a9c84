import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@/prisma/generated/client';
import { env } from './env';

// One Prisma client per process (kept on globalThis so `next dev` hot reload does not open new pools).
export type Db = PrismaClient;

export function createPrisma(databaseUrl: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 3000 });
  return new PrismaClient({ adapter });
}

const g = globalThis as unknown as { __perfdeckPrisma?: PrismaClient };

export function db(): PrismaClient {
  g.__perfdeckPrisma ??= createPrisma(env().DATABASE_URL);
  return g.__perfdeckPrisma;
}

/** For tests and scripts that point the process at another database. */
export function setDb(client: PrismaClient) {
  g.__perfdeckPrisma = client;
}
