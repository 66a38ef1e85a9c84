'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function NavLink({ href, label, built }: { href: string; label: string; built: boolean }) {
  const path = usePathname();
  const active = built && (path === href || path.startsWith(`${href}/`));
  return (
    <Link
      href={built ? href : href.startsWith('/roadmap') ? href : `/roadmap#${href.slice(1)}`}
      prefetch={false}
      aria-current={active ? 'page' : undefined}
      className={`flex items-center justify-between rounded-md px-2 py-1.5 text-sm ${active ? 'bg-slate-800 text-white' : built ? 'text-slate-300 hover:bg-slate-800 hover:text-white' : 'text-slate-500 hover:text-slate-300'}`}
    >
      {label}
      {!built && <span className="text-[10px] uppercase tracking-wide text-slate-500">not built</span>}
    </Link>
  );
}
