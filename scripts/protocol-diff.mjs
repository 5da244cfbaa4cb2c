#!/usr/bin/env node
// npm run protocol:diff -- /path/to/codex [--against /other/codex] [--json]
// What a codex binary's app-server protocol adds, removes and changes compared with the protocol
// codex-rx is generated from (lib/protocol/schema), or with another binary's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffProtocols, formatDiff, isEmptyDiff, pinnedCodexBinary, protocolFromBinary, protocolFromSchemaDir } from './protocol-diff-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const against = args.includes('--against') ? args[args.indexOf('--against') + 1] : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--against');
if (args.includes('--help') || positional.length > 1) {
  process.stderr.write('usage: npm run protocol:diff -- [/path/to/codex] [--against /other/codex] [--json]\n(no path: the pinned binary; no --against: the committed lib/protocol/schema)\n');
  process.exit(positional.length > 1 ? 2 : 0);
}

const target = protocolFromBinary(positional[0] ?? (await pinnedCodexBinary()));
const base = against ? protocolFromBinary(against) : protocolFromSchemaDir(path.join(root, 'lib', 'protocol', 'schema'), committedVersion());
const diff = diffProtocols(base, target);
process.stdout.write(json ? `${JSON.stringify(diff, null, 2)}\n` : `${formatDiff(diff)}\n`);
process.exitCode = isEmptyDiff(diff) ? 0 : 1; // like diff(1): 1 = they differ

function committedVersion() {
  const tables = path.join(root, 'lib', 'protocol', 'tables.generated.ts');
  return /PROTOCOL_VERSION = "([^"]+)"/.exec(readFileSync(tables, 'utf8'))?.[1] ?? 'committed';
}
