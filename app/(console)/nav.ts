import type { Role } from '@/server/auth/roles';

// Every roadmap area has a place. `built: false` areas link to /roadmap, which says plainly that they are not built yet.
export interface NavItem {
  href: string;
  label: string;
  built: boolean;
  minRole?: Role;
}
export const NAV: { section: string; items: NavItem[] }[] = [
  {
    section: 'Monitor',
    items: [
      { href: '/overview', label: 'Overview', built: true },
      { href: '/targets', label: 'Targets', built: true },
    ],
  },
  {
    section: 'Analyse',
    items: [
      { href: '/load-tests', label: 'Load tests', built: true },
      { href: '/queries', label: 'Queries', built: true },
      { href: '/web-budgets', label: 'Web budgets', built: true },
      { href: '/roadmap#slos', label: 'SLOs & alerts', built: false },
      { href: '/roadmap#rightsizing', label: 'Right-sizing', built: false },
      { href: '/roadmap#cache', label: 'Cache', built: false },
    ],
  },
  {
    section: 'Settings',
    items: [
      { href: '/settings/tokens', label: 'API tokens', built: true },
      { href: '/settings/users', label: 'Users', built: true, minRole: 'admin' },
      { href: '/audit', label: 'Audit log', built: true, minRole: 'admin' },
    ],
  },
];
