import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/ui/card';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { listPresets } from '@/server/loadtest/service';
import { listTargets } from '@/server/targets/service';
import { saveScenarioAction } from '../../actions';
import { ScenarioEditor } from '../../_components/scenario-editor';

export const metadata: Metadata = { title: 'New scenario' };

export default async function NewScenarioPage({ searchParams }: { searchParams: Promise<{ target?: string | string[] }> }) {
  const actor = await requireActor();
  const { target } = await searchParams;
  const targets = await listTargets(actor);
  const presets = listPresets([{ name: 'home', method: 'GET', path: '/', weight: 1 }]);
  const chosen = targets.find((t) => t.id === target) ?? targets[0];
  const canEdit = roleAtLeast(actor.role, 'operator');
  return (
    <>
      <PageHeader
        title="New scenario"
        description={
          <>
            Pick a target and a preset, then adjust. Every field is checked on save, and each rejected one says why.{' '}
            <Link href="/load-tests" className="text-sky-800 hover:underline">
              Back to load tests
            </Link>
          </>
        }
      />
      {!chosen ? (
        <EmptyState title="No targets registered">An admin registers a target first.</EmptyState>
      ) : (
        <ScenarioEditor
          action={saveScenarioAction.bind(null, null)}
          targets={targets.map((t) => ({ id: t.id, name: t.name, baseUrl: t.baseUrl }))}
          presets={presets.map((p) => ({ name: p.name, description: p.description, spec: p.spec }))}
          initial={{ targetId: chosen.id, name: '', description: '', preset: 'baseline', spec: presets[0].spec }}
          fixedTarget={false}
          submitLabel="Create scenario"
          canEdit={canEdit}
        />
      )}
    </>
  );
}
