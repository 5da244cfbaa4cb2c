/**
 * model-selection — choosing the model (and its reasoning effort) from what the server offers:
 * per thread, per turn, and how a turn's choice sticks.
 *
 *   npx tsx samples/model-selection.ts          the real codex app-server with a scripted model
 *                                               catalog (two made-up models)
 *   npx tsx samples/model-selection.ts --live   your real model list (three short turns)
 *
 * - `codex.models()` lists the models with their reasoning efforts and the default.
 * - `threadStart({ model })` sets the thread's model; `run(input, { model, effort })` switches
 *   for that turn *and the ones after it* (turn options persist, as the server does).
 * - `thread.read()` tells the model the thread is configured with now.
 */
import { lastValueFrom } from 'rxjs';
import type { protocol, Thread } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { openSession, runSample, type ScriptedModelInfo, type Session } from './support/session.js';

const MODELS: ScriptedModelInfo[] = [
  { slug: 'mock-model', displayName: 'Mock model', description: 'A quick scripted model' },
  { slug: 'mock-large', displayName: 'Mock large', description: 'A scripted model that "thinks"', efforts: ['low', 'medium', 'high'], defaultEffort: 'medium' },
];
const SCRIPT = [message('Answered by the thread model.'), message('Answered by the turn model.'), message('Still the turn model.')];

runSample(async ({ live }) => {
  const session = await openSession({ live, steps: SCRIPT, models: MODELS });
  const { codex, dispose } = session;
  try {
    console.log(`model-selection · ${session.description}`);

    const models = (await lastValueFrom(codex.models())).data;
    const byDefault = models.find((m) => m.isDefault) ?? models[0];
    // A second model, preferably one with reasoning efforts to choose from.
    const other = models.find((m) => m !== byDefault && m.supportedReasoningEfforts.length > 0) ?? models.find((m) => m !== byDefault);
    console.log(`models: ${models.map((m) => `${m.id}${m.isDefault ? ' (default)' : ''}`).join(', ')}`);
    if (!other) {
      console.log('only one model is offered: nothing to choose between');
      return;
    }
    const effort = lightestEffort(other);
    console.log(`chosen: thread model ${byDefault.id}; for one turn, ${other.id} with effort ${effort ?? '(none offered)'}`);

    const thread = await lastValueFrom(codex.threadStart({ model: byDefault.id }));
    console.log(`thread.info.model: ${thread.info.model}`);

    await turn(session, thread, 'Who answers? (thread model)');
    await turn(session, thread, 'Who answers now? (turn override)', { model: other.id, effort });
    await turn(session, thread, 'And now, with no options?');
  } finally {
    await dispose();
  }
});

/** The lightest effort the model offers (its list is ordered low → high): quick and cheap. */
function lightestEffort(model: protocol.v2.Model): string | undefined {
  return model.supportedReasoningEfforts[0]?.reasoningEffort;
}

/** Runs one turn and shows which model the thread is on now (and, scripted, which one got the request). */
async function turn(session: Session, thread: Thread, prompt: string, options?: { model: string; effort?: string }): Promise<void> {
  const result = await lastValueFrom(thread.run(prompt, options));
  const now = (await lastValueFrom(thread.read())).thread;
  const request = session.model?.responseRequests.at(-1)?.body as { model?: string; reasoning?: { effort?: string } } | undefined;
  const sent = request ? ` · the request went to ${request.model}${request.reasoning?.effort ? ` (effort ${request.reasoning.effort})` : ''}` : '';
  console.log(`› ${prompt}${options ? ` ${JSON.stringify(options)}` : ''}`);
  console.log(`  ${result.finalResponse?.split('\n')[0]} · thread now on ${now.model}${now.reasoningEffort ? ` (effort ${now.reasoningEffort})` : ''}${sent}`);
}
