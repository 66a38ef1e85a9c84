import Link from 'next/link';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { signOut } from '../(auth)/login/actions';
import { NavLink } from './_components/nav-link';
import { NAV } from './nav';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  return (
    <div className="flex min-h-screen">
      {/* Viewport-tall and sticky rather than as tall as the page: when a streamed panel makes the page longer, the
          sidebar (and the account block at its foot) must not move, or every such page pays a layout shift. */}
      <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col self-start overflow-y-auto bg-slate-900 px-3 py-4 text-slate-200">
        <Link href="/overview" className="mb-6 px-2 text-lg font-semibold tracking-tight text-white">
          <span className="text-sky-400">▮</span> Perfdeck
        </Link>
        <nav aria-label="Main" className="flex-1 space-y-5">
          {NAV.map((s) => (
            <div key={s.section}>
              <p className="px-2 pb-1 text-[11px] font-semibold uppercase tracking-wider text-slate-500">{s.section}</p>
              <ul className="space-y-0.5">
                {s.items
                  .filter((i) => !i.minRole || roleAtLeast(actor.role, i.minRole))
                  .map((i) => (
                    <li key={i.href}>
                      <NavLink href={i.href} label={i.label} built={i.built} />
                    </li>
                  ))}
              </ul>
            </div>
          ))}
        </nav>
        <div className="mt-6 border-t border-slate-800 px-2 pt-3 text-xs">
          <p className="truncate text-slate-300" title={actor.email}>
            {actor.email}
          </p>
          <p className="text-slate-500" data-testid="current-role">
            {actor.role}
          </p>
          <form action={signOut} className="mt-2">
            <button type="submit" className="text-slate-400 underline hover:text-white">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
    </div>
  );
}
