// Perfdeck CLI: `npm run perfdeck -- <command> [options]`. One module per command in scripts/cli/<command>.ts,
// each exporting `run(argv: string[]): Promise<number>` (the exit code). Modules load lazily, so one command's
// dependencies never slow down or break another.
import { pathToFileURL } from 'node:url';

type Command = { run(argv: string[]): Promise<number> };

const COMMANDS: Record<string, { describe: string; load: () => Promise<Command> }> = {
  advise: { describe: 'index recommendations for a Postgres database (read-only)', load: () => import('./cli/advise') },
  check: { describe: 'CI gate: run a scenario through the console and fail on assertions or a regression vs its baseline', load: () => import('./cli/check') },
  load: { describe: 'run a load test against a URL in this process (loopback only unless --allow-host)', load: () => import('./cli/load') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: perfdeck <command> [options]   (perfdeck <command> --help for its options)',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.describe}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`perfdeck: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  return (await cmd.load()).run(rest);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`perfdeck: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
