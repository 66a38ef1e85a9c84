import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { requireActor } from '@/server/auth/session';
import { listApiTokens } from '@/server/users/service';
import { revokeTokenAction } from './actions';
import { TokenForm } from './_token-form';

export const metadata: Metadata = { title: 'API tokens' };

export default async function TokensPage() {
  const actor = await requireActor();
  const tokens = await listApiTokens(actor);
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens authenticate the REST API and the perfdeck CLI (Authorization: Bearer …). A token acts with its owner's role. Only a hash is stored."
      />
      <div className="space-y-6">
        <Card title="New token">
          <TokenForm />
        </Card>
        <Card title={actor.role === 'admin' ? 'All tokens' : 'Your tokens'}>
          {tokens.length === 0 ? (
            <EmptyState title="No tokens yet" />
          ) : (
            <Table head={['Name', 'Prefix', 'Owner', 'Last used', 'Expires', '']}>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <Td className="font-medium">{t.name}</Td>
                  <Td className="font-mono text-xs">{t.prefix}…</Td>
                  <Td className="text-xs">{t.ownerEmail}</Td>
                  <Td>
                    <Time iso={t.lastUsedAt} fallback="never" />
                  </Td>
                  <Td>
                    <Time iso={t.expiresAt} fallback="never" />
                  </Td>
                  <Td>
                    {t.revokedAt ? (
                      <Badge tone="error">revoked</Badge>
                    ) : (
                      <form action={revokeTokenAction.bind(null, t.id)}>
                        <button type="submit" className="text-sm text-red-700 underline">
                          Revoke
                        </button>
                      </form>
                    )}
                  </Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
