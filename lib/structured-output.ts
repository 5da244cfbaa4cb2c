import { ValidationError } from './errors.js';
import type { JsonValue } from './protocol/generated/serde_json/JsonValue.js';
import type { TurnResult } from './turn/turn-result.js';
import { validateOutput } from './validation/output-validator.js';

/**
 * The final response of a turn run with `outputSchema`, parsed as JSON and validated against
 * that schema. Throws ValidationError (with the raw text in `raw`) when there is no final
 * response, when it is not JSON, or when it does not conform — naming each offending field.
 */
export function parseStructuredOutput<T>(result: TurnResult, schema: object): TurnResult<T> {
  const raw = result.finalResponse;
  if (raw === null) throw new ValidationError('structured output', [{ path: '', message: 'the turn produced no final response' }]);
  let output: unknown;
  try {
    output = JSON.parse(raw);
  } catch (e) {
    throw new ValidationError('structured output', [{ path: '', message: `is not JSON: ${(e as Error).message}` }], raw);
  }
  const issues = validateOutput(schema, output);
  if (issues && issues.length > 0) throw new ValidationError('structured output', issues, raw);
  return { ...result, output: output as T };
}

declare const outputType: unique symbol;

/** An output schema that carries the TypeScript type of the output it describes (type-only brand). */
export type OutputSchema<T, S extends { [key: string]: JsonValue } = { [key: string]: JsonValue }> = S & { readonly [outputType]?: T };

/** The output type an OutputSchema describes (`unknown` for a plain schema). */
export type OutputOf<S> = S extends { readonly [outputType]?: infer T } ? (unknown extends T ? unknown : T) : unknown;

/**
 * Tags a JSON Schema with the type of the output it describes; the object is returned as is.
 *
 * @example
 * const Verdict = defineOutputSchema<{ ok: boolean; reason: string }>({
 *   type: 'object', properties: { ok: { type: 'boolean' }, reason: { type: 'string' } },
 *   required: ['ok', 'reason'], additionalProperties: false,
 * });
 * thread.run<OutputOf<typeof Verdict>>('Is the build green?', { outputSchema: Verdict })
 */
export function defineOutputSchema<T>(schema: { [key: string]: JsonValue }): OutputSchema<T> {
  return schema as OutputSchema<T>;
}
