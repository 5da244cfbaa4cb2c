import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDataRoot, principalDirName, principalHome, principalUpstream, PRINCIPAL_PROFILE } from '../../lib/gateway/principal-home.js';
import { principalOf } from '../../lib/gateway/principal.js';

describe('principal homes', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'codex-rx-home-spec-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('maps any id to one safe directory name under the root (no traversal, no collisions by sanitising)', () => {
    const ids = ['alice', '../../etc', '..', '.', '/abs/path', 'a/b', 'a_b', 'a b', 'ALICE', 'é', '\u0000nul', 'x'.repeat(5000), ''];
    const names = ids.map(principalDirName);
    expect(new Set(names).size).toBe(ids.length);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9_-]{0,32}-[0-9a-f]{24}$/);
      expect(path.dirname(path.join(root, name))).toBe(root);
    }
    expect(principalDirName('alice')).toBe(principalDirName('alice'));
    const home = principalHome(root, '../../etc');
    expect(path.dirname(home.dir)).toBe(root);
    for (const d of [home.dir, home.home, home.workspace, home.tmp]) expect(statSync(d).mode & 0o777).toBe(0o700);
  });

  it('gives the app-server a clean environment: an allow-list plus what the operator adds, never the gateway env', () => {
    process.env.CODEX_RX_HOME_SPEC_SECRET = 'must-not-pass';
    try {
      const home = principalHome(root, 'alice');
      const config = principalUpstream({ env: { OPENAI_API_KEY: 'k', LANG: undefined } }, home);
      expect(config.env).toMatchObject({ HOME: home.dir, CODEX_HOME: home.home, TMPDIR: home.tmp, OPENAI_API_KEY: 'k' });
      expect(Object.keys(config.env!).sort()).toEqual(expect.arrayContaining(['CODEX_HOME', 'HOME', 'OPENAI_API_KEY', 'TMPDIR']));
      for (const k of Object.keys(config.env!)) expect(['PATH', 'LC_ALL', 'LC_CTYPE', 'TZ', 'HOME', 'CODEX_HOME', 'TMPDIR', 'OPENAI_API_KEY']).toContain(k);
      expect(JSON.stringify(config.env)).not.toContain('must-not-pass');
      expect(config.cwd).toBe(home.workspace);
    } finally {
      delete process.env.CODEX_RX_HOME_SPEC_SECRET;
    }
  });

  it("puts the gateway's defaults first and the operator's overrides after them (they win); an explicit cwd is shared", () => {
    const home = principalHome(root, 'bob');
    const config = principalUpstream({ cwd: '/srv/shared', configOverrides: { approval_policy: 'never' } }, home);
    const pairs = config.configOverrides as string[];
    expect(pairs[0]).toBe('approval_policy="on-request"');
    expect(pairs.at(-1)).toBe('approval_policy="never"');
    expect(pairs).toContain(`default_permissions="${PRINCIPAL_PROFILE}"`);
    const profile = pairs.find((p) => p.startsWith(`permissions.${PRINCIPAL_PROFILE}.filesystem=`))!;
    expect(profile).toContain('":minimal" = "read"');
    expect(profile).toContain('"/srv/shared" = "write"');
    expect(profile).toContain(`${JSON.stringify(home.tmp)} = "write"`);
    expect(profile).not.toContain(JSON.stringify(home.home));
    expect(config.cwd).toBe('/srv/shared');
  });

  it('a default data root is private and removed by dispose(); a given one is kept', () => {
    const own = openDataRoot(undefined);
    expect(statSync(own.dir).mode & 0o777).toBe(0o700);
    own.dispose();
    expect(existsSync(own.dir)).toBe(false);
    const given = openDataRoot(path.join(root, 'data'));
    given.dispose();
    expect(existsSync(path.join(root, 'data'))).toBe(true);
  });
});

describe('principalOf (what authenticate returned)', () => {
  it.each([
    [undefined, 'refused'],
    [null, 'refused'],
    [false, 'refused'],
    [true, 'invalid'],
    ['alice', 'invalid'],
    [{}, 'invalid'],
    [{ id: '' }, 'invalid'],
    [{ id: 5 }, 'invalid'],
    [[{ id: 'a' }], 'invalid'],
  ])('%p → %p', (result, expected) => {
    expect(principalOf(result)).toBe(expected);
  });

  it('keeps a principal as returned', () => {
    const p = { id: 'alice', role: 'admin' };
    expect(principalOf(p)).toBe(p);
  });
});
