import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Card, PageHeader } from '@/components/ui/card';
import { ActionForm, Field, Select, SubmitButton } from '@/components/ui/form';
import { Table, Td } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { authorize } from '@/server/auth/authorize';
import { ROLES, ROLE_DESCRIPTIONS, roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { listUsers } from '@/server/users/service';
import { AdminOnly } from '../../_components/admin-only';
import { createUserAction, toggleDisabledAction, updateRoleAction } from './actions';

export const metadata: Metadata = { title: 'Users' };
const roleOptions = ROLES.map((r) => ({ value: r, label: r }));

export default async function UsersPage() {
  const signedIn = await requireActor();
  if (!roleAtLeast(signedIn.role, 'admin')) return <AdminOnly title="Users and roles" role={signedIn.role} />;
  const actor = authorize(signedIn, 'admin');
  const users = await listUsers(actor);
  return (
    <>
      <PageHeader title="Users and roles" description={ROLES.map((r) => `${r}: ${ROLE_DESCRIPTIONS[r]}`).join(' · ')} />
      <div className="space-y-6">
        <Card title={`Users (${users.length})`}>
          <Table head={['User', 'Role', 'Status', 'Created', '']}>
            {users.map((u) => (
              <tr key={u.id}>
                <Td>
                  <p className="font-medium">{u.name}</p>
                  <p className="text-xs text-slate-500">{u.email}</p>
                </Td>
                <Td>
                  <ActionForm action={updateRoleAction.bind(null, u.id)} className="flex items-end gap-2">
                    <Select name="role" label={`Role of ${u.email}`} options={roleOptions} defaultValue={u.role} hideLabel />
                    <SubmitButton tone="secondary" pendingText="…">
                      Set
                    </SubmitButton>
                  </ActionForm>
                </Td>
                <Td>{u.disabled ? <Badge tone="error">disabled</Badge> : <Badge tone="ok">active</Badge>}</Td>
                <Td>
                  <Time iso={u.createdAt} />
                </Td>
                <Td>
                  {u.id !== actor.id && (
                    <form action={toggleDisabledAction.bind(null, u.id, !u.disabled)}>
                      <button type="submit" className="text-sm text-slate-600 underline hover:text-slate-900">
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    </form>
                  )}
                </Td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title="Add a user">
          <ActionForm action={createUserAction}>
            <div className="grid gap-4 md:grid-cols-2">
              <Field name="name" label="Name" required />
              <Field name="email" label="Email" type="email" required />
              <Select name="role" label="Role" options={roleOptions} defaultValue="viewer" />
              <Field name="password" label="Initial password" type="password" hint="At least 10 characters" autoComplete="new-password" required />
            </div>
            <SubmitButton>Add user</SubmitButton>
          </ActionForm>
        </Card>
      </div>
    </>
  );
}
