/**
 * models-and-metadata — what the app-server tells you before any turn: who it is, where its
 * home is, which models it offers, and what a new thread looks like.
 *
 *   npx tsx samples/models-and-metadata.ts          the real codex app-server with a scripted
 *                                                   model catalog (two made-up models)
 *   npx tsx samples/models-and-metadata.ts --live   your Codex home and its real model list
 *
 * `codex.connect()` emits the `initialize` answer (also kept as `codex.metadata`);
 * `codex.models()` is one `model/list` page; `thread.info` is the thread as the server described it.
 */
import { lastValueFrom } from 'rxjs';
import { PROTOCOL_VERSION, SDK_VERSION } from '../lib/index.js';
import { openSession, runSample, type ScriptedModelInfo } from './support/session.js';

/** The scripted mode's catalog (with --live, the app-server lists your real models). */
const MODELS: ScriptedModelInfo[] = [
  { slug: 'mock-model', displayName: 'Mock model', description: 'A quick scripted model' },
  { slug: 'mock-large', displayName: 'Mock large', description: 'A scripted model that "thinks"', efforts: ['low', 'medium', 'high'], defaultEffort: 'medium' },
];

runSample(async ({ live }) => {
  const { codex, description, dispose } = await openSession({ live, models: MODELS });
  try {
    console.log(`models-and-metadata · ${description}`);

    const server = await lastValueFrom(codex.connect());
    console.log('── the app-server (initialize) ──');
    console.log(`  userAgent     ${server.userAgent}`);
    console.log(`  codexHome     ${server.codexHome}`);
    console.log(`  platform      ${server.platformOs} (${server.platformFamily})`);
    console.log(`  codex-rx      ${SDK_VERSION}, protocol generated from codex ${PROTOCOL_VERSION}`);
    console.log(`  same object   codex.metadata === initialize answer: ${codex.metadata === server}`);

    const page = await lastValueFrom(codex.models());
    console.log(`── models (model/list): ${page.data.length}${page.nextCursor ? ', more pages' : ''} ──`);
    for (const m of page.data) {
      const efforts = m.supportedReasoningEfforts.map((e) => e.reasoningEffort);
      console.log(`  ${m.isDefault ? '*' : ' '} ${m.id.padEnd(14)} ${m.displayName} — ${m.description}`);
      console.log(`      efforts: ${efforts.length > 0 ? `${efforts.join(', ')} (default ${m.defaultReasoningEffort})` : 'none'} · input: ${m.inputModalities.join(', ')}`);
    }
    console.log('  (* = the default model)');

    const thread = await lastValueFrom(codex.threadStart({ ephemeral: true })); // ephemeral: not saved
    const info = thread.info;
    console.log('── a new thread (thread.info) ──');
    console.log(`  id            ${info.id}`);
    console.log(`  model         ${info.model} (provider ${info.modelProvider})`);
    console.log(`  cwd           ${info.cwd}`);
    console.log(`  status        ${info.status.type} · ephemeral ${info.ephemeral} · cliVersion ${info.cliVersion}`);
  } finally {
    await dispose();
  }
});
