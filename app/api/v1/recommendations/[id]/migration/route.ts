import { ValidationError } from '@/server/errors';
import { route } from '@/server/http';
import { downloadMigration } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

// The recommendation as a migration: ?format=sql (default) → <name>.sql; ?format=prisma → <name>.tar holding
// prisma/migrations/<name>/migration.sql (unpack at the repository root with `tar -xf <name>.tar`).
export const GET = route<{ id: string }>('/api/v1/recommendations/:id/migration', async (req, { actor, params }) => {
  const format = new URL(req.url).searchParams.get('format') ?? 'sql';
  if (format !== 'sql' && format !== 'prisma') throw new ValidationError('format must be sql or prisma', { format: 'sql or prisma' });
  const m = await downloadMigration(actor!, params.id);
  if (format === 'sql') {
    return new Response(m.sql, {
      headers: { 'content-type': 'application/sql; charset=utf-8', 'content-disposition': `attachment; filename="${m.sqlFileName}"`, 'cache-control': 'no-store' },
    });
  }
  return new Response(Buffer.from(m.tar), {
    headers: { 'content-type': 'application/x-tar', 'content-disposition': `attachment; filename="${m.tarFileName}"`, 'cache-control': 'no-store' },
  });
});
