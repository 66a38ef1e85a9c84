// `npm run migrate`: apply SQL migrations to DATABASE_URL (see server/migrations.ts).
import { migrateDatabase } from '../server/migrations';

const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/perfdeck';
try {
  const r = await migrateDatabase(url, { log: (l) => console.log(`[migrate] ${l}`) });
  console.log(`[migrate] ${r.applied.length} applied, ${r.alreadyApplied} already applied`);
} catch (err) {
  console.error(`[migrate] ${(err as Error).message}`);
  process.exit(1);
}
