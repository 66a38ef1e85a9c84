// scripts/test.sh prepares the databases before Playwright starts its servers (E2E_PREPARED=1). Running
// `npx playwright test` alone prepares them here instead.
export default async function globalSetup() {
  if (process.env.E2E_PREPARED === '1') return;
  const { prepareE2e } = await import('./prepare');
  await prepareE2e();
}
