import Ajv, { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
const root = '/work/wt/protocol';
const schema = JSON.parse(readFileSync(root + '/lib/protocol/schema/ClientRequest.json', 'utf8'));
const ANNOT = new Set(['description', 'title', 'default', 'examples']);
function strip(n, parentKey) { if (Array.isArray(n)) return n.map((x) => strip(x)); if (n && typeof n === 'object') { const o = {}; for (const [k, v] of Object.entries(n)) { if (ANNOT.has(k) && parentKey !== 'properties' && typeof v !== 'object' || (ANNOT.has(k) && parentKey !== 'properties' && k!=='default')) continue; o[k] = strip(v, k); } return o; } return n; }
const defs = strip(schema.definitions, 'definitions');
const inline = process.argv[2] === 'inline';
const ajv = new Ajv({ strict: true, allowUnionTypes: true, strictNumbers: true, allErrors: false, validateSchema: false, messages: false, inlineRefs: inline, code: { source: true, optimize: 1, esm: true, formats: _`formats` } });
for (const f of ['uint','uint8','uint16','uint32','uint64','int8','int16','int32','int64','int','float','double']) ajv.addFormat(f, { type: 'number', validate: () => true });
ajv.addSchema({ $id: 'cr', definitions: defs });
const methods = new Map();
for (const v of schema.oneOf) { const p = v.properties.params; const ref = p?.$ref ?? (p?.anyOf ?? []).find(s => s.$ref)?.$ref; if (ref) methods.set(v.properties.method.enum[0], ref.split('/').pop()); }
const refs = {};
for (const d of new Set(methods.values())) refs[d] = `cr#/definitions/${d}`;
const code = standaloneCode(ajv, refs);
console.log('size', code.length, 'defs json', JSON.stringify(defs).length);
writeFileSync('/tmp/proto-aot/all2.mjs', 'const formats={};\n' + code.replace('require("ajv/dist/runtime/ucs2length").default', '((s)=>[...s].length)'));
