import { ValidationError } from './errors.js';
import type { TurnResult } from './turn/turn-result.js';

/** Parses the final response as JSON (validation against the schema comes from lib/validation). */
export function parseStructuredOutput<T>(result: TurnResult, schema: object): TurnResult<T> {
  void schema;
  const raw = result.finalResponse;
  if (raw === null) throw new ValidationError('structured output', [{ path: '', message: 'the turn produced no final response' }]);
  let output: unknown;
  try {
    output = JSON.parse(raw);
  } catch (e) {
    throw new ValidationError('structured output', [{ path: '', message: `is not JSON: ${(e as Error).message}` }], raw);
  }
  return { ...result, output: output as T };
}
