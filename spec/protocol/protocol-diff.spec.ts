// `npm run protocol:diff`: the drift report of any installed binary against the committed protocol.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'protocol-diff.mjs');

function codex0169Binary(): string {
  const aliasRequire = createRequire(require.resolve('codex-0169/package.json'));
  const vendor = path.join(path.dirname(aliasRequire.resolve(`@openai/codex-${process.platform}-${process.arch}/package.json`)), 'vendor');
  return path.join(vendor, readdirSync(vendor)[0]!, 'bin', process.platform === 'win32' ? 'codex.exe' : 'codex');
}

describe('npm run protocol:diff', () => {
  it('the pinned binary against the committed protocol: no changes (exit 0)', () => {
    const out = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe(`protocol drift: codex ${PROTOCOL_VERSION} → codex ${PROTOCOL_VERSION}: no changes`);
  }, 60_000);

  it('0.169.0 against the committed 0.171.0 protocol: what 0.171.0 added is missing there (exit 1, --json)', () => {
    const out = spawnSync(process.execPath, [script, codex0169Binary(), '--json'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out.status).toBe(1);
    const diff = JSON.parse(out.stdout);
    expect(diff).toMatchObject({ from: PROTOCOL_VERSION, to: '0.169.0' });
    expect(diff.methods).toEqual({
      added: [],
      removed: ['modelProvider/default/set', 'thread/realtime/list', 'thread/search/cancel', 'thread/search/stream', 'thread/search/stream/cancel'],
    });
    expect(diff.notifications).toEqual({ added: [], removed: ['thread/search/partial'] });
    expect(diff.serverRequests).toEqual({ added: ['currentTime/read'], removed: [] });
    expect(diff.definitions.added).toEqual(['CurrentTimeReadParams', 'CurrentTimeReadResponse']);
    expect(diff.definitions.removed).toContain('ThreadRealtimeListParams');
    expect(diff.definitions.changed).toContain('ThreadItem');
  }, 60_000);

  it('--against compares two binaries; the text report names each part', () => {
    const pinned = execFileSync(process.execPath, ['-e', "import('./scripts/protocol-diff-lib.mjs').then((m) => m.pinnedCodexBinary()).then((bin) => console.log(bin))"], { cwd: root, encoding: 'utf8' }).trim();
    const out = spawnSync(process.execPath, [script, pinned, '--against', codex0169Binary()], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out.status).toBe(1);
    expect(out.stdout).toContain(`protocol drift: codex 0.169.0 → codex ${PROTOCOL_VERSION}`);
    expect(out.stdout).toContain('client methods added (5): modelProvider/default/set, thread/realtime/list, thread/search/cancel, thread/search/stream, thread/search/stream/cancel');
    expect(out.stdout).toContain('notifications added (1): thread/search/partial');
    expect(out.stdout).toContain('server requests removed (1): currentTime/read');
    expect(out.stdout).toMatch(/definitions changed \(\d+\): .*ThreadItem/);
  }, 60_000);
});
