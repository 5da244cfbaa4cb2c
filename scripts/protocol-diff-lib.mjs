// What changed between two app-server protocols: client methods, server notifications and server
// requests added/removed, and the schema definitions added, removed or changed. Used by
// `npm run generate` (against the committed protocol) and `npm run protocol:diff -- /path/to/codex`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The pinned binary: $CODEX_BIN, else the one codex-rx itself resolves (lib/transport/stdio-binary.ts
 * holds the one platform → package/triple/path table). These scripts run before dist/ exists, so
 * they load that TypeScript through tsx, scoped to this import.
 */
export async function pinnedCodexBinary() {
  if (process.env.CODEX_BIN) return process.env.CODEX_BIN;
  const { tsImport } = await import('tsx/esm/api');
  const { resolveCodexBinary } = await tsImport('../lib/transport/stdio-binary.ts', import.meta.url);
  return resolveCodexBinary().path;
}

/** `codex-cli 0.171.0` → `0.171.0`. */
export function binaryVersion(bin) {
  return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).pop();
}

/** The protocol described by a folder of `generate-json-schema --experimental` output. */
export function protocolFromSchemaDir(dir, version) {
  const read = (name) => JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  const methods = (union) => union.oneOf.map((v) => v.properties.method.enum[0]);
  const definitions = {};
  for (const bundle of ['codex_app_server_protocol.schemas', 'codex_app_server_protocol.v2.schemas']) {
    const file = path.join(dir, `${bundle}.json`);
    if (!existsSync(file)) continue;
    for (const [name, schema] of Object.entries(read(bundle).definitions ?? {})) if (name !== 'v2') definitions[name] = schema;
  }
  return {
    version,
    methods: methods(read('ClientRequest')),
    notifications: methods(read('ServerNotification')),
    serverRequests: methods(read('ServerRequest')),
    definitions,
  };
}

/** The protocol a codex binary generates (in a temp folder, removed after). */
export function protocolFromBinary(bin) {
  const dir = mkdtempSync(path.join(tmpdir(), 'codex-protocol-'));
  try {
    execFileSync(bin, ['app-server', 'generate-json-schema', '--experimental', '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    return protocolFromSchemaDir(dir, binaryVersion(bin));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** JSON with sorted keys: two schemas are the same definition when this text is. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

const sorted = (xs) => [...xs].sort();
const minus = (a, b) => sorted(a.filter((x) => !b.includes(x)));

/** Differences from protocol `from` to protocol `to`. */
export function diffProtocols(from, to) {
  const names = (p) => Object.keys(p.definitions);
  return {
    from: from.version,
    to: to.version,
    methods: { added: minus(to.methods, from.methods), removed: minus(from.methods, to.methods) },
    notifications: { added: minus(to.notifications, from.notifications), removed: minus(from.notifications, to.notifications) },
    serverRequests: { added: minus(to.serverRequests, from.serverRequests), removed: minus(from.serverRequests, to.serverRequests) },
    definitions: {
      added: minus(names(to), names(from)),
      removed: minus(names(from), names(to)),
      changed: sorted(names(to).filter((n) => n in from.definitions && canonical(from.definitions[n]) !== canonical(to.definitions[n]))),
    },
  };
}

/** True when nothing differs. */
export function isEmptyDiff(diff) {
  return [diff.methods, diff.notifications, diff.serverRequests, diff.definitions].every((part) => Object.values(part).every((list) => list.length === 0));
}

/** The report, as text. */
export function formatDiff(diff) {
  const out = [`protocol drift: codex ${diff.from} → codex ${diff.to}`];
  if (isEmptyDiff(diff)) return `${out[0]}: no changes`;
  const section = (title, part) => {
    for (const [kind, list] of Object.entries(part)) {
      if (list.length > 0) out.push(`  ${title} ${kind} (${list.length}): ${list.join(', ')}`);
    }
  };
  section('client methods', diff.methods);
  section('notifications', diff.notifications);
  section('server requests', diff.serverRequests);
  section('definitions', diff.definitions);
  return out.join('\n');
}
