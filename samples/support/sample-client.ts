import { Codex, StdioTransport, type CodexSpawnConfig, type Transport } from '../../lib/node/index.js';

/** Client options a sample may set (the session decides where the app-server runs). */
export type ClientOptions = Omit<CodexSpawnConfig, 'env' | 'cwd'>;

/**
 * A Codex over `settings`: spawning the app-server itself, or, with `wrap`, through the sample's
 * wrapped StdioTransport (which then takes the process options: a Codex with a transport has none).
 */
export function sampleClient(settings: CodexSpawnConfig, wrap?: (stdio: StdioTransport) => Transport): Codex {
  if (!wrap) return new Codex(settings);
  const { codexBin, launchArgsOverride, configOverrides, cwd, env, maxLineBytes, stderrTailChars, maxPendingWriteBytes, closeGraceMs, ...client } = settings;
  return new Codex({ ...client, transport: wrap(new StdioTransport(settings)) });
}
