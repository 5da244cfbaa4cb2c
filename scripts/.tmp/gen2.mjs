import Ajv, { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
const root = '/work/wt/protocol';
const schema = JSON.parse(readFileSync(root + '/lib/protocol/schema/ClientRequest.json', 'utf8'));
const inline = process.argv[2] === 'inline';
const ajv = new Ajv({ strict: true, allowUnionTypes: true, strictNumbers: true, allErrors: false, validateSchema: false, inlineRefs: inline, code: { source: true, optimize: 1, esm: true, formats: _`formats` } });
for (const f of ['uint','uint8','uint16','uint32','uint64','int8','int16','int32','int64','int','float','double']) ajv.addFormat(f, { type: 'number', validate: () => true });
ajv.addSchema({ $id: 'cr', definitions: schema.definitions });
const methods = new Map();
for (const v of schema.oneOf) { const p = v.properties.params; const ref = p?.$ref ?? (p?.anyOf ?? []).find(s => s.$ref)?.$ref; if (ref) methods.set(v.properties.method.enum[0], ref.split('/').pop()); }
const refs = {};
for (const d of new Set(methods.values())) refs[d] = `cr#/definitions/${d}`;
const t0 = performance.now();
const code = standaloneCode(ajv, refs);
console.log('defs', Object.keys(refs).length, 'size', code.length, 'ms', Math.round(performance.now() - t0));
writeFileSync('/tmp/proto-aot/all.mjs', code);
