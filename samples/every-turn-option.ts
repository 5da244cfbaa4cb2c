/**
 * every-turn-option — each option of a turn, and where it ends up: in the `turn/start` params
 * codex-rx sends, and (scripted mode) in the request Codex then makes to the model.
 *
 *   npx tsx samples/every-turn-option.ts          the real codex app-server with a scripted model
 *   npx tsx samples/every-turn-option.ts --live   the real model (your default model, its lowest
 *                                                 reasoning effort, read-only, never asks)
 *
 * Options are camelCase; presets map to wire shapes (`sandbox: Sandbox.readOnly` →
 * `sandboxPolicy: {type: "readOnly", …}`, `approvalMode: ApprovalMode.denyAll` →
 * `approvalPolicy: "never"`). Each persists for the thread's later turns, as the server does.
 * Unknown names and bad values fail with ValidationError before anything is sent.
 */
import { lastValueFrom } from 'rxjs';
import { ApprovalMode, Sandbox, type TurnOptions } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { openSession, runSample, type ScriptedModelInfo } from './support/session.js';
import { WireTap } from './support/wire-tap.js';

const MODELS: ScriptedModelInfo[] = [
  { slug: 'mock-model', displayName: 'Mock model', description: 'A quick scripted model' },
  { slug: 'mock-large', displayName: 'Mock large', description: 'A scripted model that "thinks"', efforts: ['low', 'medium', 'high'], defaultEffort: 'medium' },
];
const SCHEMA = { type: 'object', properties: { colour: { type: 'string' } }, required: ['colour'], additionalProperties: false };
const SCRIPT = [message('{"colour":"blue"}')];

runSample(async ({ live }) => {
  let wire: WireTap | undefined;
  const session = await openSession({ live, steps: SCRIPT, models: MODELS, tempWorkspace: true, wrapTransport: (stdio) => (wire = new WireTap(stdio)) });
  const { codex, cwd, model, dispose } = session;
  try {
    console.log(`every-turn-option · ${session.description}`);

    // Pick a model and an effort it supports from the server's own list.
    const models = (await lastValueFrom(codex.models())).data;
    const chosen = live ? (models.find((m) => m.isDefault) ?? models[0]) : models.find((m) => m.id === 'mock-large')!;
    const effort = chosen.supportedReasoningEfforts[0]?.reasoningEffort;

    const options: TurnOptions = {
      model: chosen.id, // which model answers
      cwd, // where commands run
      effort, // how hard it thinks
      summary: 'concise', // reasoning summaries: auto | concise | detailed | none
      sandbox: Sandbox.readOnly, // what commands may touch
      approvalMode: ApprovalMode.denyAll, // who approves what the sandbox does not allow: nobody
      outputSchema: SCHEMA, // the final answer must be JSON of this shape; run() parses it
      personality: 'none', // deprecated by codex 0.169.0: accepted, selects no style any more
      serviceTier: live ? chosen.serviceTiers[0]?.id : 'flex', // a speed/price tier the model offers
    };
    console.log('thread.run(prompt, options) with:');
    printFields(options);

    const thread = codex.thread();
    const result = await lastValueFrom(thread.run<{ colour: string }>('Name one primary colour.', options));
    console.log(`result: ${result.status} · output ${JSON.stringify(result.output)} · output.colour = ${result.output?.colour}`);

    const { threadId, input, ...params } = wire!.paramsOf('turn/start').at(-1) as Record<string, unknown>;
    console.log(`the turn/start params codex-rx sent (besides threadId and input):`);
    printFields(params);

    if (model) {
      // Scripted mode: what Codex made of them in its request to the model.
      const body = model.responseRequests.at(-1)?.body as Record<string, any>;
      const meta = JSON.parse(body.client_metadata?.['x-codex-turn-metadata'] ?? '{}') as Record<string, unknown>;
      console.log('…and what the scripted model received (Responses API request):');
      console.log(`  model          ${body.model}`);
      console.log(`  reasoning      ${JSON.stringify(body.reasoning)}`);
      console.log(`  service_tier   ${body.service_tier}`);
      console.log(`  text.format    ${body.text?.format?.type} "${body.text?.format?.name}", strict ${body.text?.format?.strict}, schema ${JSON.stringify(body.text?.format?.schema)}`);
      console.log(`  sandbox        ${meta.sandbox_mode} (from the turn metadata Codex attaches)`);
      console.log(`  cwd            ${JSON.stringify(body).includes(`<cwd>${cwd}</cwd>`) ? `${cwd} (in <environment_context>)` : 'not found'}`);
    }
  } finally {
    await dispose();
  }
});

/** One `key  value` line per field. */
function printFields(fields: object): void {
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) console.log(`  ${key.padEnd(15)}${JSON.stringify(value)}`);
}
