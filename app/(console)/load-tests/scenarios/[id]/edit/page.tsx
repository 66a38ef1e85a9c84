import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/ui/card';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { NotFoundError } from '@/server/errors';
import { getScenario, listPresets } from '@/server/loadtest/service';
import { saveScenarioAction } from '../../../actions';
import { ScenarioEditor } from '../../../_components/scenario-editor';

export const metadata: Metadata = { title: 'Edit scenario' };

export default async function EditScenarioPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const s = await getScenario(actor, id).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const presets = listPresets(s.spec.endpoints);
  return (
    <>
      <PageHeader
        title={`Edit “${s.name}”`}
        description={
          <>
            {s.targetName} · <span className="font-mono">{s.targetBaseUrl}</span> ·{' '}
            <Link href={`/load-tests/scenarios/${s.id}`} className="text-sky-800 hover:underline">
              Back to the scenario
            </Link>
          </>
        }
      />
      <ScenarioEditor
        action={saveScenarioAction.bind(null, s.id)}
        targets={[{ id: s.targetId, name: s.targetName, baseUrl: s.targetBaseUrl }]}
        presets={presets.map((p) => ({ name: p.name, description: p.description, spec: p.spec }))}
        initial={{ targetId: s.targetId, name: s.name, description: s.description ?? '', preset: s.preset, spec: s.spec }}
        fixedTarget
        submitLabel="Save changes"
        canEdit={roleAtLeast(actor.role, 'operator')}
      />
    </>
  );
}
