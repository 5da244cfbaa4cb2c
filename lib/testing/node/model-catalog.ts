/**
 * The one place that writes Codex's model catalog (`model_catalog_json`) for scripted runs: which
 * models `model/list` shows and which tools Codex offers them. `createCodexHome` writes it; the
 * samples list their own models through the same entries.
 */

/** A model of the scripted catalog (what `codex.models()` lists when Codex reads this catalog). */
export interface ScriptedModelInfo {
  slug: string;
  displayName: string;
  description: string;
  /** Reasoning efforts the model offers, e.g. `['low', 'medium', 'high']` (default: none). */
  efforts?: string[];
  defaultEffort?: string;
}

/** The model name `createCodexHome` configures by default. */
export const MOCK_MODEL = 'mock-model';

/** The default catalog's only model. */
export const MOCK_MODEL_INFO: ScriptedModelInfo = Object.freeze({ slug: MOCK_MODEL, displayName: 'Mock model', description: 'Scripted model for tests' });

/**
 * A `model_catalog_json` body listing `models` (first = highest priority). Each model gets the
 * same shell tool (`exec_command`) as Codex's fallback metadata plus the freeform `apply_patch`.
 */
export function modelCatalog(models: readonly ScriptedModelInfo[] = [MOCK_MODEL_INFO]): { models: Record<string, unknown>[] } {
  return { models: models.map(catalogEntry) };
}

function catalogEntry(m: ScriptedModelInfo, priority: number): Record<string, unknown> {
  return {
    slug: m.slug,
    display_name: m.displayName,
    description: m.description,
    base_instructions: 'You are a scripted test model.',
    shell_type: 'unified_exec',
    apply_patch_tool_type: 'freeform',
    supported_reasoning_levels: (m.efforts ?? []).map((effort) => ({ effort, description: effort })),
    ...(m.defaultEffort ? { default_reasoning_level: m.defaultEffort } : {}),
    visibility: 'list',
    supported_in_api: true,
    priority,
    support_verbosity: false,
    truncation_policy: { mode: 'tokens', limit: 10000 },
    experimental_supported_tools: [],
  };
}
