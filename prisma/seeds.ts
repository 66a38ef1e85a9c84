// Each capability registers its own idempotent seed here (scenario presets, budgets, …).
export interface SeedContext {
  demoTargetId: string;
  log: (line: string) => void;
}
export type DomainSeed = (ctx: SeedContext) => Promise<void>;

export const DOMAIN_SEEDS: DomainSeed[] = [];
