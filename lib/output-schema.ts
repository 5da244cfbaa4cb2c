import type { JsonValue } from './protocol/generated/serde_json/JsonValue.js';

// Apart from structured-output.ts (parsing + ajv): a page that only tags its schemas does not
// load ajv with its first bundle; the parser loads on the first turn run with `outputSchema`.

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
