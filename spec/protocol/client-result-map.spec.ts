import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientMethod, ClientResultMap } from '../../lib/protocol/methods.js';
import { CLIENT_PARAMS_DEFINITIONS } from '../../lib/protocol/tables.generated.js';
import { assertType, type Equals } from '../support/type-assert.js';

// Kept apart from methods.spec.ts: a type error here fails only this suite.

const protocolDir = path.resolve(__dirname, '..', '..', 'lib', 'protocol');

/** The methods of the generated TypeScript ClientRequest union (what `ClientMethod` is). */
function generatedClientMethods(): string[] {
  const source = readFileSync(path.join(protocolDir, 'generated', 'ClientRequest.ts'), 'utf8');
  return [...source.matchAll(/\{ "method": "([^"]+)", id: RequestId/g)].map((m) => m[1]);
}

describe('ClientResultMap', () => {
  it('has exactly the keys of ClientMethod (type level)', () => {
    assertType<Equals<keyof ClientResultMap, ClientMethod>>();
    expect(true).toBe(true);
  });

  it('has a params entry for every method of the generated ClientRequest union (runtime)', () => {
    const methods = generatedClientMethods();
    expect(methods.length).toBeGreaterThan(100);
    expect(methods).toContain('thread/start');
    const tableKeys = Object.keys(CLIENT_PARAMS_DEFINITIONS);
    expect(methods.filter((m) => !tableKeys.includes(m))).toEqual([]);
    expect(tableKeys.filter((m) => !methods.includes(m))).toEqual([]);
  });
});
