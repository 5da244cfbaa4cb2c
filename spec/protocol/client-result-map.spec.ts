import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientMethod, ClientResultMap } from '../../lib/protocol/methods.js';
import { CLIENT_PARAMS_DEFINITIONS, UNSCHEMATIZED_CLIENT_METHODS } from '../../lib/protocol/validation-tables.generated.js';
import { assertType, type Equals } from '../support/type-assert.js';

// Kept apart from methods.spec.ts: a type error here fails only this suite.

const protocolDir = path.resolve(__dirname, '..', '..', 'lib', 'protocol');

/** The methods of the generated TypeScript ClientRequest union (what `ClientMethod` is). */
function typedClientMethods(): string[] {
  const source = readFileSync(path.join(protocolDir, 'generated', 'ClientRequest.ts'), 'utf8');
  return [...source.matchAll(/\{ "method": "([^"]+)", id: RequestId/g)].map((m) => m[1]);
}

/** The methods the JSON Schema describes. */
function schemaClientMethods(): string[] {
  const schema = JSON.parse(readFileSync(path.join(protocolDir, 'schema', 'ClientRequest.json'), 'utf8')) as {
    oneOf: Array<{ properties: { method: { enum: string[] } } }>;
  };
  return schema.oneOf.map((v) => v.properties.method.enum[0]);
}

describe('ClientResultMap', () => {
  it('has exactly the keys of ClientMethod (type level)', () => {
    assertType<Equals<keyof ClientResultMap, ClientMethod>>();
    expect(true).toBe(true);
  });

  it('every typed method is either schema-described (validated) or listed as unschematized, never both', () => {
    const typed = typedClientMethods();
    const schema = schemaClientMethods();
    expect(typed.length).toBeGreaterThan(100);
    expect(Object.keys(CLIENT_PARAMS_DEFINITIONS).sort()).toEqual([...schema].sort());
    expect([...UNSCHEMATIZED_CLIENT_METHODS].sort()).toEqual(typed.filter((m) => !schema.includes(m)).sort());
    expect(UNSCHEMATIZED_CLIENT_METHODS.filter((m) => m in CLIENT_PARAMS_DEFINITIONS)).toEqual([]);
    expect([...Object.keys(CLIENT_PARAMS_DEFINITIONS), ...UNSCHEMATIZED_CLIENT_METHODS].sort()).toEqual([...typed].sort());
  });

  it('the schema describes no method the types lack', () => {
    const typed = typedClientMethods();
    expect(schemaClientMethods().filter((m) => !typed.includes(m))).toEqual([]);
  });
});
