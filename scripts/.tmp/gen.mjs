import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
const root = '/work/wt/protocol';
const schema = JSON.parse(readFileSync(root + '/lib/protocol/schema/ClientRequest.json', 'utf8'));
const defs = schema.definitions;
function collectRefs(node, into) { if (Array.isArray(node)) node.forEach(x => collectRefs(x, into)); else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) { if (k === '$ref' && typeof v === 'string') into.push(v.split('/').pop()); else collectRefs(v, into); } }
function closure(name) { const out = {}; const todo = [name]; while (todo.length) { const n = todo.pop(); if (out[n]) continue; out[n] = defs[n]; collectRefs(defs[n], todo); } return out; }
const opt = process.argv[2] === 'opt';
const methods = new Set();
for (const v of schema.oneOf) { const p = v.properties.params; const ref = p?.$ref ?? (p?.anyOf ?? []).find(s => s.$ref)?.$ref; if (ref) methods.add(ref.split('/').pop()); }
let total = 0; const sizes = [];
mkdirSync('/tmp/proto-aot/out', { recursive: true });
const t0 = performance.now();
for (const name of methods) {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, strictNumbers: true, allErrors: false, validateSchema: false, addUsedSchema: false, code: { source: true, optimize: opt ? 1 : false, esm: true, formats: undefined }, formats: {} });
  for (const f of ['uint','uint8','uint16','uint32','uint64','int8','int16','int32','int64','int','float','double']) ajv.addFormat(f, { type: 'number', validate: () => true });
  const v = ajv.compile({ $ref: `#/definitions/${name}`, definitions: closure(name) });
  const code = standaloneCode(ajv, v);
  writeFileSync(`/tmp/proto-aot/out/${name}.js`, code);
  total += code.length; sizes.push([code.length, name]);
}
console.log('methods', methods.size, 'total', total, 'ms', Math.round(performance.now() - t0));
sizes.sort((a, b) => b[0] - a[0]); console.log(sizes.slice(0, 8));
