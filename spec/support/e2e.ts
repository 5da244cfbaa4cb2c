import { Codex, type CodexConfig } from '../../lib/index';
import { createCodexHome, ScriptedModelServer, type CodexHome, type CodexHomeOptions, type ScriptedStep } from '../../lib/testing/index';

/** A real app-server against a scripted model, per test: the model, the home, and a Codex client. */
export interface E2E {
  model: ScriptedModelServer;
  home: CodexHome;
  codex: Codex;
  dispose(): Promise<void>;
}

/** Starts the scripted model, a temp CODEX_HOME and a Codex client (not yet connected). */
export async function startE2E(options: { steps?: ScriptedStep[]; home?: Omit<CodexHomeOptions, 'modelServerUrl'>; codex?: CodexConfig } = {}): Promise<E2E> {
  const model = await ScriptedModelServer.start({ steps: options.steps });
  const home = await createCodexHome({ modelServerUrl: model.url, ...options.home });
  const codex = new Codex({ env: home.env, cwd: home.workspace, ...options.codex });
  return {
    model,
    home,
    codex,
    async dispose() {
      await codex.close();
      await model.close();
      await home.dispose();
    },
  };
}
