/** A sample's `main`: `--live` / `--help` / its own flags, and a failure as one line on stderr. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rerunCommand, SampleError } from './sample-error.js';

/** What `runSample` hands the sample. */
export interface SampleArgs {
  /** `--live`: the real model. */
  live: boolean;
  /** Other `--flags` the sample declared. */
  flags: Record<string, boolean>;
  /** Words after the options (e.g. a prompt). */
  positionals: string[];
}

/**
 * The sample's `main`: parses `--live`, `--help` and the sample's own boolean flags, runs
 * `body`, and turns a failure into one line on stderr and exit code 1.
 */
export function runSample(body: (args: SampleArgs) => Promise<void>, options: { flags?: Record<string, string> } = {}): void {
  const flags = options.flags ?? {};
  const usage = [
    `usage: ${rerunCommand()} [--live]${Object.keys(flags).map((f) => ` [--${f}]`).join('')}`,
    '',
    '  (no options)   the real codex app-server with a scripted model: no account, no network',
    '  --live         the real model, with your Codex login (~/.codex) or OPENAI_API_KEY',
    ...Object.entries(flags).map(([f, help]) => `  --${f.padEnd(13)}${help}`),
    '  -h, --help     this text',
  ].join('\n');

  const run = async (): Promise<number> => {
    let parsed;
    try {
      parsed = parseArgs({
        args: process.argv.slice(2),
        options: { live: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...Object.fromEntries(Object.keys(flags).map((f) => [f, { type: 'boolean' as const }])) },
        allowPositionals: true,
      });
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n\n${usage}\n`);
      return 2;
    }
    const { live, help, ...rest } = parsed.values as Record<string, boolean | undefined>;
    if (help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    await body({ live: live === true, flags: Object.fromEntries(Object.keys(flags).map((f) => [f, rest[f] === true])), positionals: parsed.positionals });
    return 0;
  };

  run().then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      const text = e instanceof SampleError ? e.message : `${path.basename(process.argv[1] ?? 'sample')} failed: ${e instanceof Error ? e.message : String(e)}`;
      process.stderr.write(`${text}\n`);
      process.exitCode = 1;
    },
  );
}

