import { Notice, PageHeader } from '@/components/ui/card';
import type { Role } from '@/server/auth/roles';

// Shown instead of an admin-only page to anyone else: a plain explanation (HTTP 200), not an error page. The services
// still refuse non-admins on their own; this only spares people a "something went wrong".
export function AdminOnly({ title, role }: { title: string; role: Role }) {
  return (
    <>
      <PageHeader title={title} />
      <Notice tone="warn">
        <span data-testid="admin-only">
          This page needs the admin role; you are {/^[aeiou]/.test(role) ? 'an' : 'a'} {role}. Ask an admin if you need it.
        </span>
      </Notice>
    </>
  );
}
