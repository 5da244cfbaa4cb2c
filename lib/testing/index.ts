/**
 * `codex-rx/testing`: test helpers that run anywhere (browser included). The Node-only scripted
 * model server and CODEX_HOME live in `codex-rx/testing/node`.
 */

// The scripted model (for ScriptedModelServer in codex-rx/testing/node): steps as plain data
export * from './model/index.js';
