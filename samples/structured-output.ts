/**
 * structured-output — answers as data: give a turn a JSON Schema, get a parsed, validated object.
 *
 *   npx tsx samples/structured-output.ts          the real codex app-server with a scripted model
 *                                                 (which answers JSON: once valid, once not)
 *   npx tsx samples/structured-output.ts --live   the real model
 *
 * `thread.run<T>(input, { outputSchema })` sends the schema with the turn (Codex asks the model
 * for JSON in that shape), then parses the final answer and validates it against the schema:
 * `result.output` is the object, typed `T`. An answer that is not JSON, or does not match,
 * errors with ValidationError — each issue with its JSON path — and the raw text in `raw`.
 */
import { lastValueFrom } from 'rxjs';
import { ValidationError } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';

/** What we want back, as a TypeScript type and as a JSON Schema. */
interface Project {
  name: string;
  languages: string[];
  stars: number;
}
const PROJECT_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    languages: { type: 'array', items: { type: 'string' } },
    stars: { type: 'integer', minimum: 0 },
  },
  required: ['name', 'languages', 'stars'],
  additionalProperties: false,
};

const PROMPT = 'Describe the RxJS project as JSON: its name, its main languages, and a rough GitHub star count.';
const SCRIPT = [
  message('{"name":"RxJS","languages":["TypeScript","JavaScript"],"stars":31000}'),
  message('{"name":"RxJS","languages":"TypeScript","stars":-1}'), // the scripted model gets it wrong
];

runSample(async ({ live }) => {
  const { codex, description, model, dispose } = await openSession({ live, steps: SCRIPT });
  try {
    console.log(`structured-output · ${description}`);
    const thread = codex.thread();

    console.log(`› ${PROMPT}`);
    const result = await lastValueFrom(thread.run<Project>(PROMPT, { outputSchema: PROJECT_SCHEMA }));
    const project = result.output!; // typed: Project
    console.log(`raw answer:  ${result.finalResponse}`);
    console.log(`output:      name ${JSON.stringify(project.name)} · languages ${project.languages.join(', ')} · stars ${project.stars.toLocaleString('en-US')}`);
    if (model) {
      const format = model.responseRequests.at(-1)?.body.text?.format;
      console.log(`the model was asked for: ${format?.type} (strict: ${format?.strict}), the schema as given: ${JSON.stringify(format?.schema) === JSON.stringify(PROJECT_SCHEMA)}`);
    }

    // An answer that does not match the schema.
    if (model) {
      console.log('› the same again (this time the scripted model answers with the wrong shape)');
      try {
        await lastValueFrom(thread.run<Project>(PROMPT, { outputSchema: PROJECT_SCHEMA }));
      } catch (e) {
        if (!ValidationError.is(e)) throw e;
        console.log(`ValidationError: ${e.message}`);
        for (const issue of e.issues) console.log(`  at ${issue.path || '(root)'}: ${issue.message}`);
        console.log(`  raw: ${e.raw}`);
      }
    } else {
      console.log('(a non-matching answer errors with ValidationError; the real model follows the schema, so only the scripted run shows one)');
    }
  } finally {
    await dispose();
  }
});
