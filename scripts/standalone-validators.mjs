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
 * The definitions with ajv's `discriminator` on every tagged union: a `oneOf` whose branches are
 * objects (inline or `$ref`) that each require one property pinned to a distinct string (`const`
 * or a one-value `enum`) — preferring `type`, then `method`, `kind`. ajv then checks only the
 * branch the tag names and reports a wrong or missing tag as one `discriminator` error, instead of
 * every branch's complaints. A union that does not meet those requirements is left alone (as
 * `anyOf`/`oneOf`) and listed in `leftAlone` with the reason.
 */
export function tagUnions(definitions) {
  const leftAlone = [];
  let tagged = 0;
  const deref = (s) => (s && typeof s.$ref === 'string' && s.$ref.startsWith('#/definitions/') ? definitions[s.$ref.slice('#/definitions/'.length)] : s);
  const pinned = (p) => (p && typeof p === 'object' ? ('const' in p ? [p.const] : Array.isArray(p.enum) && p.enum.length === 1 ? p.enum : undefined) : undefined);
  const visit = (node, where) => {
    if (Array.isArray(node)) return node.map((x) => visit(x, where));
    if (node === null || typeof node !== 'object') return node;
    const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, `${where}/${k}`)]));
    for (const kind of ['oneOf', 'anyOf']) {
      const branches = Array.isArray(node[kind]) ? node[kind].map(deref) : undefined;
      if (!branches || !branches.every((b) => b && b.type === 'object' && b.properties)) continue;
      const keys = Object.keys(branches[0].properties).filter((k) => branches.every((b) => pinned(b.properties[k]) !== undefined));
      if (keys.length === 0) continue; // not tagged (e.g. "url or fileId")
      const tag = ['type', 'method', 'kind'].find((k) => keys.includes(k)) ?? keys[0];
      const values = branches.map((b) => pinned(b.properties[tag])[0]);
      const why =
        kind !== 'oneOf' ? 'anyOf, not oneOf'
        : !branches.every((b) => Array.isArray(b.required) && b.required.includes(tag)) ? `"${tag}" is not required in every branch`
        : !values.every((v) => typeof v === 'string') ? `"${tag}" is not a string in every branch`
        : new Set(values).size !== values.length ? `two branches share a "${tag}"`
        : 'discriminator' in node ? 'it has a discriminator already'
        : node.type !== undefined && node.type !== 'object' ? `its type is ${JSON.stringify(node.type)}`
        : undefined;
      if (why) leftAlone.push(`${where}: ${why}`);
      else {
        out.type = 'object'; // every branch is an object already; ajv wants it said where the tag is
        out.discriminator = { propertyName: tag };
        tagged++;
      }
    }
    return out;
  };
  return { definitions: Object.fromEntries(Object.entries(definitions).map(([name, d]) => [name, visit(d, name)])), tagged, leftAlone };
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
    allErrors: true, // every problem, for the explainer (no bigger: gzip is smaller than without)
    validateSchema: false,
    inlineRefs: false,
    messages: false, // the explainer words the problems
    discriminator: true, // tagged unions check the branch their tag names (tagUnions)
    code: { source: true, esm: true, lines: false, optimize: 1, formats: _`formats` },
  });
  for (const name of NUMBER_FORMAT_NAMES) aot.addFormat(name, { type: 'number', validate: () => true }); // the real checks are imported by the module
  const unions = tagUnions(definitions);
  aot.addSchema({ $id: id, definitions: unions.definitions });
  let code = standaloneCode(aot, Object.fromEntries(exports.map((d) => [d, `${id}#/definitions/${d}`])));
  code = code.replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, 'ucs2length');
  if (/require\(/.test(code)) throw new Error(`the standalone validators need a runtime module: ${/require\([^)]*\)/.exec(code)[0]}`);
  const usedFormats = [...new Set([...code.matchAll(/formats\.(\w+)/g)].map((m) => m[1]))];
  if (usedFormats.some((f) => !NUMBER_FORMAT_NAMES.includes(f))) throw new Error(`unexpected formats in the protocol schema: ${usedFormats}`);
  return {
    size: code.length,
    unions: `${unions.tagged} tagged unions checked by their tag${unions.leftAlone.length > 0 ? `; left alone: ${unions.leftAlone.join('; ')}` : ''}`,
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
