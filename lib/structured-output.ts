import { ValidationError } from './errors.js';
import type { TurnResult } from './turn/turn-result.js';
import { validateOutput } from './validation/output-validator.js';

export { defineOutputSchema, type OutputOf, type OutputSchema } from './output-schema.js';
export { compileOutputSchema } from './validation/output-validator.js';

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
