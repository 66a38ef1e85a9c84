// Each capability registers its own idempotent seed here (scenario presets, budgets, …).
export interface SeedContext {
  demoTargetId: string;
  log: (line: string) => void;
}
export type DomainSeed = (ctx: SeedContext) => Promise<void>;

export const DOMAIN_SEEDS: DomainSeed[] = [
  // Load tests: the "lead search" scenario and one scenario per preset on the demo target, where missing.
  async ({ demoTargetId, log }) => {
    const { ensureSeedScenarios } = await import('../server/loadtest/service');
    const added = await ensureSeedScenarios(demoTargetId);
    if (added) log(`load tests: added ${added} scenario${added > 1 ? 's' : ''} on the demo target`);
  },
  // Web budgets: the documented defaults ('/*', mobile and desktop) where missing.
  async ({ log }) => {
    const { ensureDefaultBudgets } = await import('../server/webvitals/service');
    const added = await ensureDefaultBudgets();
    if (added) log(`web budgets: added ${added} default budget${added > 1 ? 's' : ''}`);
  },
];
