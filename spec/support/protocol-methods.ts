import { readFileSync } from 'node:fs';
import path from 'node:path';

// Every method of the pinned protocol, read from its committed JSON Schema (lib/protocol/schema):
// the generated tables list only what the client's hot paths need.

const schemaDir = path.resolve(__dirname, '..', '..', 'lib', 'protocol', 'schema');

/** The method names of a union schema file (ServerNotification.json, ServerRequest.json, ClientRequest.json). */
export function schemaMethods(file: string): string[] {
  const union = JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as { oneOf: Array<{ properties: { method: { enum: string[] } } }> };
  return union.oneOf.map((variant) => variant.properties.method.enum[0]!);
}

/** Every server notification method. */
export const NOTIFICATION_METHODS: readonly string[] = schemaMethods('ServerNotification.json');
/** Every server request method. */
export const SERVER_REQUEST_METHODS: readonly string[] = schemaMethods('ServerRequest.json');
