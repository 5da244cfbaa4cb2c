/**
 * The pinned binary's JSON Schema, for the specs that check the testing kit's payloads
 * (spec/testing/payloads/*, spec/testing/payload-schema.spec.ts): every builder's output must
 * conform, so the kit cannot drift from the protocol.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ProtocolSchema } from '../../lib/validation/protocol-schemas.js';
import { validateInbound } from '../../lib/validation/inbound-validator.js';

const schemaDir = path.resolve(__dirname, '..', '..', 'lib', 'protocol', 'schema');

/** The v2 bundle: every v2 type by its definition name. */
export const v2 = new ProtocolSchema(readFileSync(path.join(schemaDir, 'codex_app_server_protocol.v2.schemas.json'), 'utf8'));

// InitializeResponse lives in the v1 bundle; its own file carries the definitions it needs.
const initialize = JSON.parse(readFileSync(path.join(schemaDir, 'v1', 'InitializeResponse.json'), 'utf8'));
/** The v1 definitions the kit produces: InitializeResponse. */
export const v1 = new ProtocolSchema(JSON.stringify({ definitions: { ...initialize.definitions, InitializeResponse: { ...initialize, definitions: undefined } } }));

/** Fails naming `definition` and the issues when `value` does not conform. */
export function expectValid(schema: ProtocolSchema, definition: string, value: unknown): void {
  expect({ definition, issues: schema.check(definition, value) }).toEqual({ definition, issues: undefined });
}

/** Fails naming the method and the issues when a notification or server request does not conform. */
export function expectValidMessage(message: { method: string; id?: unknown; params?: unknown }): void {
  const kind = message.id === undefined ? 'notification' : 'request';
  expect({ method: message.method, issues: validateInbound(kind, message.method, message.params) }).toEqual({ method: message.method, issues: undefined });
}

/** The names of the functions a module exports (its builders). */
export function exportedFunctions(module: object): string[] {
  return Object.entries(module)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name)
    .sort();
}

/** The builders a table of `[label, …]` rows covers: each label starts with the builder's name. */
export function coveredBuilders(rows: ReadonlyArray<readonly [string, ...unknown[]]>): string[] {
  return [...new Set(rows.map(([label]) => label.split(' ')[0]))].sort();
}
