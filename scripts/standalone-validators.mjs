// ajv standalone validator modules, shared by the protocol generator (lib/protocol) and the
// gateway's field policy generator (lib/gateway). Refs stay functions shared across methods
// (inlineRefs: false), which keeps a module about a third smaller than inlining.
import Ajv, { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', '$comment']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf']);
const SUB_SCHEMAS = new Set(['items', 'additionalItems', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames']);
const NUMBER_FORMAT_NAMES = ['uint', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64', 'int', 'float', 'double'];

/** A schema without annotations (they do not affect validity; they are most of its bytes). */
export function stripAnnotations(schema) {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) continue;
    if (SCHEMA_MAPS.has(key)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripAnnotations(v)]));
    else if (SCHEMA_LISTS.has(key)) out[key] = value.map(stripAnnotations);
    else if (SUB_SCHEMAS.has(key)) out[key] = Array.isArray(value) ? value.map(stripAnnotations) : stripAnnotations(value);
    else out[key] = value;
  }
  return out;
}

/**
 * Standalone validator code for `exports` (definition names) of a definitions table, as the text
 * of a TypeScript module under lib/<folder>/ (it imports ../validation/formats.js).
 */
export function standaloneModule(header, id, definitions, exports, what) {
  const aot = new Ajv({
    strict: true,
    allowUnionTypes: true,
    strictNumbers: true,
    allErrors: false,
    validateSchema: false,
    inlineRefs: false,
    messages: false, // the explainer words the problems
    code: { source: true, esm: true, lines: false, optimize: 1, formats: _`formats` },
  });
  for (const name of NUMBER_FORMAT_NAMES) aot.addFormat(name, { type: 'number', validate: () => true }); // the real checks are imported by the module
  aot.addSchema({ $id: id, definitions });
  let code = standaloneCode(aot, Object.fromEntries(exports.map((d) => [d, `${id}#/definitions/${d}`])));
  code = code.replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, 'ucs2length');
  if (/require\(/.test(code)) throw new Error(`the standalone validators need a runtime module: ${/require\([^)]*\)/.exec(code)[0]}`);
  const usedFormats = [...new Set([...code.matchAll(/formats\.(\w+)/g)].map((m) => m[1]))];
  if (usedFormats.some((f) => !NUMBER_FORMAT_NAMES.includes(f))) throw new Error(`unexpected formats in the protocol schema: ${usedFormats}`);
  return {
    size: code.length,
    text: [
      header.trimEnd(),
      `// ajv standalone code (draft-07) for ${what}. No eval at runtime.`,
      '// @ts-nocheck',
      "import { NUMBER_FORMATS } from '../validation/formats.js';",
      'const formats = Object.fromEntries(Object.entries(NUMBER_FORMATS).map(([name, f]) => [name, { type: "number", validate: f.validate }]));',
      '/** String length in code points, as JSON Schema counts it. */',
      'function ucs2length(s) { let n = 0; for (const _c of s) n++; return n; }',
      code.replace(/^"use strict";/, ''),
      '',
    ].join('\n'),
  };
}
