import type { ValidationIssue } from './errors.js';
import type { TurnResult } from './turn/turn-result.js';
import { compileOutputSchema, validateOutput } from './validation/output-validator.js';

// The structured-output check: a chunk a browser loads with the first turn run with
// `outputSchema`. It answers with issues; the thread words them as ValidationErrors (so this
// chunk does not reach the error classes).

/** Why an output schema cannot be used (it does not compile); empty when it can. */
export function outputSchemaIssues(schema: object): ValidationIssue[] {
  const compiled = compileOutputSchema(schema);
  return typeof compiled === 'function' ? [] : [compiled];
}

/** A turn's structured output, or why there is none (`raw`: the final response, if there was one). */
export type StructuredOutput<T> = { readonly result: TurnResult<T> } | { readonly issues: ValidationIssue[]; readonly raw?: string };

/**
 * The final response of a turn run with `outputSchema`, parsed as JSON and validated against
 * that schema; or the issues when there is no final response, when it is not JSON, or when it
 * does not conform — naming each offending field.
 */
export function parseStructuredOutput<T>(result: TurnResult, schema: object): StructuredOutput<T> {
  const raw = result.finalResponse;
  if (raw === null) return { issues: [{ path: '', message: 'the turn produced no final response' }] };
  let output: unknown;
  try {
    output = JSON.parse(raw);
  } catch (e) {
    return { issues: [{ path: '', message: `is not JSON: ${(e as Error).message}` }], raw };
  }
  const issues = validateOutput(schema, output);
  if (issues && issues.length > 0) return { issues, raw };
  return { result: { ...result, output: output as T } };
}
