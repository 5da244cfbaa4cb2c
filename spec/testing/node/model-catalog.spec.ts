import { MOCK_MODEL, MOCK_MODEL_INFO, modelCatalog, type ScriptedModelInfo } from '../../../lib/testing/node/model-catalog.js';

// The catalog is what the real binary reads (`model_catalog_json`); that it does is shown end to
// end by spec/e2e/client.e2e.spec.ts (the default catalog through `codex.models()`) and by the
// samples (spec/samples: several models with efforts). Here: the body it writes.
describe('modelCatalog', () => {
  it('lists mock-model by default, described by the frozen MOCK_MODEL_INFO', () => {
    expect(MOCK_MODEL).toBe('mock-model');
    expect(MOCK_MODEL_INFO).toEqual({ slug: MOCK_MODEL, displayName: 'Mock model', description: 'Scripted model for tests' });
    expect(Object.isFrozen(MOCK_MODEL_INFO)).toBe(true);
    expect(modelCatalog()).toEqual(modelCatalog([MOCK_MODEL_INFO]));
  });

  it('writes each model as a Codex catalog entry: the shell tool, the freeform apply_patch tool, listed, usable over the API', () => {
    expect(modelCatalog()).toStrictEqual({
      models: [
        {
          slug: 'mock-model',
          display_name: 'Mock model',
          description: 'Scripted model for tests',
          base_instructions: 'You are a scripted test model.',
          shell_type: 'unified_exec',
          apply_patch_tool_type: 'freeform',
          supported_reasoning_levels: [],
          visibility: 'list',
          supported_in_api: true,
          priority: 0,
          support_verbosity: false,
          truncation_policy: { mode: 'tokens', limit: 10000 },
          experimental_supported_tools: [],
        },
      ],
    });
  });

  it('keeps the order as priority (first = 0), and maps efforts and the default effort', () => {
    const models: ScriptedModelInfo[] = [
      { slug: 'fast', displayName: 'Fast', description: 'quick', efforts: ['low', 'high'], defaultEffort: 'low' },
      { slug: 'slow', displayName: 'Slow', description: 'careful', efforts: [] },
      { slug: 'plain', displayName: 'Plain', description: 'none' },
    ];
    const entries = modelCatalog(models).models;
    expect(entries.map((e) => [e.slug, e.display_name, e.description, e.priority])).toEqual([
      ['fast', 'Fast', 'quick', 0],
      ['slow', 'Slow', 'careful', 1],
      ['plain', 'Plain', 'none', 2],
    ]);
    expect(entries[0].supported_reasoning_levels).toEqual([
      { effort: 'low', description: 'low' },
      { effort: 'high', description: 'high' },
    ]);
    expect(entries[0].default_reasoning_level).toBe('low');
    // No default effort: the key is absent (Codex then picks its own), not null.
    expect('default_reasoning_level' in entries[1]).toBe(false);
    expect(entries[1].supported_reasoning_levels).toEqual([]);
    expect(entries[2].supported_reasoning_levels).toEqual([]);
  });

  it('an empty list is an empty catalog', () => {
    expect(modelCatalog([])).toEqual({ models: [] });
  });

  it('builds fresh objects on each call, so a test may change its copy', () => {
    const a = modelCatalog();
    (a.models[0].truncation_policy as { limit: number }).limit = 1;
    a.models[0].slug = 'changed';
    expect(modelCatalog().models[0]).toMatchObject({ slug: 'mock-model', truncation_policy: { mode: 'tokens', limit: 10000 } });
  });

  it('is plain JSON (what createCodexHome writes to disk)', () => {
    const catalog = modelCatalog([{ slug: 'x', displayName: 'X', description: 'x', efforts: ['medium'], defaultEffort: 'medium' }]);
    expect(JSON.parse(JSON.stringify(catalog))).toStrictEqual(catalog);
  });
});
