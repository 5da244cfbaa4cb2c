import { existsSync, mkdtempSync, promises as fs, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

import { createCodexHome } from '../../../lib/testing/node/codex-home.js';
import { MOCK_MODEL_INFO, modelCatalog } from '../../../lib/testing/node/model-catalog.js';

// The node:os module object itself (an `import * as` namespace has read-only bindings).
const os = jest.requireActual<typeof import('node:os')>('node:os');

/** The value of a `key = "..."` line of the TOML (a JSON string is a TOML basic string). */
function tomlValue(toml: string, key: string): string {
  const line = toml.split('\n').find((l) => l.startsWith(`${key} = `));
  if (line === undefined) throw new Error(`no ${key} in\n${toml}`);
  return JSON.parse(line.slice(`${key} = `.length)) as string;
}

/** Runs `fn` with os.tmpdir() answering a fresh directory named `name`; removes it afterwards. */
async function inTmpdir<T>(name: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'codex-home-spec-'));
  const dir = path.join(parent, name);
  await fs.mkdir(dir);
  // jest's process.env is not the one node:os reads, so TMPDIR cannot be used: answer for it.
  const spy = jest.spyOn(os, 'tmpdir').mockReturnValue(dir);
  try {
    return await fn(dir);
  } finally {
    spy.mockRestore();
    rmSync(parent, { recursive: true, force: true });
  }
}

describe('createCodexHome', () => {
  it('writes config.toml for the mock provider and removes everything on dispose', async () => {
    const home = await createCodexHome({
      modelServerUrl: 'http://127.0.0.1:1234/v1',
      approvalPolicy: 'on-request',
      sandbox: 'workspace-write',
      extraToml: '[features]\nexample = true',
    });
    const toml = await fs.readFile(path.join(home.dir, 'config.toml'), 'utf8');
    expect(toml).toBe(home.configToml);
    for (const line of [
      'model = "mock-model"',
      'model_provider = "mock"',
      'approval_policy = "on-request"',
      'sandbox_mode = "workspace-write"',
      '[model_providers.mock]',
      'base_url = "http://127.0.0.1:1234/v1"',
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '[features]',
    ]) {
      expect(toml.split('\n')).toContain(line);
    }
    expect(home.env).toEqual({ CODEX_HOME: home.dir });
    expect(existsSync(home.workspace)).toBe(true);
    expect(path.relative(home.dir, home.workspace).startsWith('..')).toBe(true);

    await home.dispose();
    expect(existsSync(home.dir)).toBe(false);
    expect(existsSync(home.workspace)).toBe(false);
  });

  it('defaults to approval_policy "never" and can leave out the model catalog', async () => {
    const home = await createCodexHome({ modelServerUrl: 'http://localhost:1/v1', applyPatchTool: false });
    try {
      expect(home.configToml).toContain('approval_policy = "never"');
      expect(home.configToml).not.toContain('model_catalog_json');
      expect(home.configToml).not.toContain('sandbox_mode');
    } finally {
      await home.dispose();
    }
  });

  it('writes the given models as the catalog and configures the first one', async () => {
    const models = [
      { slug: 'fast', displayName: 'Fast', description: 'quick', efforts: ['low', 'high'], defaultEffort: 'low' },
      { slug: 'slow', displayName: 'Slow', description: 'careful' },
    ];
    const home = await createCodexHome({ modelServerUrl: 'http://127.0.0.1:1/v1', models, applyPatchTool: false });
    try {
      expect(home.configToml.split('\n')).toContain('model = "fast"');
      const catalogPath = JSON.parse(home.configToml.match(/^model_catalog_json = (.*)$/m)![1]);
      const catalog = JSON.parse(await fs.readFile(catalogPath, 'utf8'));
      expect(catalog).toEqual(modelCatalog(models));
      expect(catalog.models.map((m: any) => [m.slug, m.priority, m.default_reasoning_level, m.supported_reasoning_levels.length, m.apply_patch_tool_type])).toEqual([
        ['fast', 0, 'low', 2, 'freeform'],
        ['slow', 1, undefined, 0, 'freeform'],
      ]);
    } finally {
      await home.dispose();
    }
  });

  it('refuses a model server that is not on loopback', async () => {
    await expect(createCodexHome({ modelServerUrl: 'http://10.0.0.1:80/v1' })).rejects.toThrow('loopback');
  });
});

describe('createCodexHome: the file it writes', () => {
  it('by default writes the one-model catalog (mock-model with the freeform apply_patch tool) inside the home', async () => {
    const home = await createCodexHome({ modelServerUrl: 'http://127.0.0.1:1/v1' });
    try {
      const catalogPath = tomlValue(home.configToml, 'model_catalog_json');
      expect(path.dirname(catalogPath)).toBe(home.dir);
      expect(JSON.parse(await fs.readFile(catalogPath, 'utf8'))).toEqual(modelCatalog());
      expect(modelCatalog().models.map((m) => m.slug)).toEqual([MOCK_MODEL_INFO.slug]);
      expect(tomlValue(home.configToml, 'model')).toBe('mock-model');
    } finally {
      await home.dispose();
    }
  });

  it('keeps the top-level keys (extraToml included, trimmed) before the provider table, which comes last', async () => {
    const home = await createCodexHome({ modelServerUrl: 'http://127.0.0.1:9/v1', sandbox: 'read-only', applyPatchTool: false, extraToml: '\n\nmodel_reasoning_effort = "high"\n\n[features]\nx = true\n\n' });
    try {
      expect(home.configToml).toBe(
        [
          'model = "mock-model"',
          'model_provider = "mock"',
          'approval_policy = "never"',
          'sandbox_mode = "read-only"',
          '',
          'model_reasoning_effort = "high"',
          '',
          '[features]',
          'x = true',
          '',
          '[model_providers.mock]',
          'name = "mock"',
          'base_url = "http://127.0.0.1:9/v1"',
          'wire_api = "responses"',
          'request_max_retries = 0',
          'stream_max_retries = 0',
          '',
        ].join('\n'),
      );
    } finally {
      await home.dispose();
    }
  });

  it('escapes strings for TOML: a model slug and a temp path with quotes and backslashes read back unchanged', async () => {
    await inTmpdir('a "quoted" \\ dir', async (dir) => {
      const slug = 'mo"del\\x';
      const home = await createCodexHome({ modelServerUrl: 'http://localhost:1/v1', models: [{ slug, displayName: 'Q', description: 'q' }] });
      try {
        expect(home.dir.startsWith(dir)).toBe(true);
        expect(tomlValue(home.configToml, 'model')).toBe(slug);
        const catalogPath = tomlValue(home.configToml, 'model_catalog_json');
        expect(catalogPath).toBe(path.join(home.dir, 'mock-model-catalog.json'));
        expect(JSON.parse(await fs.readFile(catalogPath, 'utf8')).models[0].slug).toBe(slug);
      } finally {
        await home.dispose();
      }
    });
  });

  it('gives each home its own directories; dispose() may be called twice', async () => {
    const [a, b] = await Promise.all([createCodexHome({ modelServerUrl: 'http://127.0.0.1:1/v1' }), createCodexHome({ modelServerUrl: 'http://127.0.0.1:1/v1' })]);
    expect(new Set([a.dir, a.workspace, b.dir, b.workspace]).size).toBe(4);
    await a.dispose();
    expect(existsSync(b.dir)).toBe(true);
    await b.dispose();
    await expect(a.dispose()).resolves.toBeUndefined();
  });
});

describe('createCodexHome: loopback only', () => {
  it.each(['http://127.0.0.1:1/v1', 'http://127.1.2.3:1/v1', 'http://localhost:1/v1', 'http://[::1]:1/v1'])('accepts %s', async (url) => {
    const home = await createCodexHome({ modelServerUrl: url });
    await home.dispose();
    expect(tomlValue(home.configToml, 'base_url')).toBe(url);
  });

  it.each(['http://0.0.0.0:1/v1', 'http://128.0.0.1:1/v1', 'http://localhost.example.com/v1', 'http://127.0.0.1.example.com/v1', 'http://[::2]:1/v1'])(
    'refuses %s, naming the host, before writing anything',
    async (url) => {
      await inTmpdir('empty', async (dir) => {
        await expect(createCodexHome({ modelServerUrl: url })).rejects.toThrow(`must be a loopback address, got ${new URL(url).hostname}`);
        expect(readdirSync(dir)).toEqual([]);
      });
    },
  );

  it('refuses a string that is not a URL', async () => {
    await expect(createCodexHome({ modelServerUrl: '127.0.0.1:1' })).rejects.toThrow();
    await expect(createCodexHome({ modelServerUrl: 'not a url' })).rejects.toThrow('Invalid URL');
  });
});
