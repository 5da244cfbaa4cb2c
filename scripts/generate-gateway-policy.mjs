#!/usr/bin/env node
// Derives the gateway's field policy from the pinned schema (lib/protocol/schema) and the
// hand-kept classification (scripts/gateway-fields.mjs):
//   lib/gateway/params-fields.generated.ts       per method: params definition, each field's class,
//                                                 and the strict schema text (to word a refusal)
//   lib/gateway/params-validators.generated.ts   ajv standalone validators of the strict schema
//   lib/gateway/answer-validators.generated.ts   the same for the answers a page may give
// The strict schema is the binary's own with every page-settable object closed
// (`additionalProperties: false`), operator-owned fields and union variants removed. The run
// FAILS when a field or variant reachable from a page is not classified, or when the
// classification names something the schema no longer has.
// Run by scripts/generate-protocol.mjs; alone: `node scripts/generate-gateway-policy.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { METHOD_FIELDS, NESTED_FIELDS } from './gateway-fields.mjs';
import { standaloneModule, stripAnnotations } from './standalone-validators.mjs';

const CLASSES = ['page', 'model', 'operator'];

/** Server requests a page may answer (the rest are answered by the gateway, never by a page). */
export const PAGE_ANSWERED = [
  'item/commandExecution/requestApproval',
  'item/fileChange/requestApproval',
  'item/permissions/requestApproval',
  'item/tool/requestUserInput',
  'mcpServer/elicitation/request',
  'item/tool/call',
  'execCommandApproval',
  'applyPatchApproval',
];

const refName = (ref) => (typeof ref === 'string' && ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined);
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const typeHas = (node, t) => node.type === t || (Array.isArray(node.type) && node.type.includes(t));

/** The tag (`type` enum value) of a union branch, or undefined when it is not a tagged object. */
function tagOf(branch) {
  const e = branch?.properties?.type?.enum;
  return Array.isArray(e) && e.length === 1 && typeof e[0] === 'string' ? e[0] : undefined;
}

/**
 * Closes a definitions table: `classify(ctx)` says which properties of an object (and which
 * variants of a tagged union) at that context pass; undefined = unclassified (the run fails).
 */
class Closer {
  constructor(definitions, classify, what) {
    this.defs = definitions;
    this.classify = classify;
    this.what = what;
    this.out = {};
    this.used = new Set();
  }

  fail(ctx, message) {
    throw new Error(`gateway policy (${this.what}): ${ctx}: ${message}. Classify it in scripts/gateway-fields.mjs.`);
  }

  def(name) {
    if (Object.prototype.hasOwnProperty.call(this.out, name)) return;
    const d = this.defs[name];
    if (d === undefined) throw new Error(`the schema has no definition ${name}`);
    this.out[name] = null; // a cycle resolves to the same name
    this.out[name] = this.node(d, name);
  }

  node(node, ctx) {
    if (!isObj(node)) return node;
    const ref = refName(node.$ref);
    if (ref !== undefined) {
      this.def(ref);
      return node;
    }
    let n = { ...node };
    for (const key of ['oneOf', 'anyOf']) {
      if (!Array.isArray(n[key])) continue;
      const tags = n[key].map(tagOf);
      if (!n.properties && tags.every((t) => t !== undefined)) {
        const cls = this.rule(ctx);
        const variants = cls.variants ?? this.fail(ctx, `a union of ${tags.join(', ')} with no variants classified`);
        for (const t of tags) if (!this.classOf(variants, t)) this.fail(ctx, `variant "${t}" is not classified`);
        for (const t of this.listed(variants)) if (!tags.includes(t)) this.fail(ctx, `classifies variant "${t}", which the schema no longer has`);
        const kept = n[key].filter((b) => this.classOf(variants, tagOf(b)) === 'page');
        if (kept.length === 0) this.fail(ctx, 'no variant is open to the page');
        n[key] = kept.map((b) => this.object(b, `${ctx}.${tagOf(b)}`));
      } else if (!n.properties) {
        n[key] = n[key].map((b) => this.node(b, ctx));
      }
    }
    if (Array.isArray(n.allOf) && !n.properties) n.allOf = n.allOf.map((b) => this.node(b, ctx));
    if (n.items !== undefined) n.items = Array.isArray(n.items) ? n.items.map((i) => this.node(i, ctx)) : this.node(n.items, ctx);
    if (n.properties) return this.object(n, ctx);
    if ((typeHas(n, 'object') && !n.oneOf && !n.anyOf) || n.additionalProperties !== undefined || (!n.type && !n.enum && !n.oneOf && !n.anyOf && !n.allOf && n.const === undefined && !n.$ref)) {
      this.used.add(ctx);
      const cls = this.classify(ctx);
      if (cls?.open !== true) this.fail(ctx, 'a free-form value (no listed properties); classify it `{ open: true }` only if any JSON there is harmless');
      if (isObj(n.additionalProperties)) n.additionalProperties = this.node(n.additionalProperties, `${ctx}[*]`);
      return n;
    }
    return n;
  }

  /** An object schema: its properties and those of its inline anyOf/oneOf/allOf parts, closed. */
  object(node, ctx, cls = this.rule(ctx)) {
    const n = { ...node };
    if (n.additionalProperties !== undefined && n.additionalProperties !== false) this.fail(ctx, 'properties and additionalProperties at once');
    const parts = [];
    for (const key of ['anyOf', 'oneOf', 'allOf']) {
      if (!Array.isArray(n[key])) continue;
      for (const b of n[key]) {
        if (refName(b.$ref) !== undefined) this.fail(ctx, `an object that inherits ${b.$ref} (not supported)`);
        if (!b.properties) this.fail(ctx, `a ${key} part without properties`);
        parts.push(b);
      }
    }
    const keys = new Set([...Object.keys(n.properties), ...parts.flatMap((p) => Object.keys(p.properties))]);
    for (const k of keys) if (!this.classOf(cls, k)) this.fail(ctx, `field "${k}" is not classified`);
    for (const k of this.listed(cls)) if (!keys.has(k)) this.fail(ctx, `classifies field "${k}", which the schema no longer has`);
    const passes = (k) => this.classOf(cls, k) === 'page' || this.classOf(cls, k) === 'model';
    for (const r of n.required ?? []) if (!passes(r)) this.fail(ctx, `required field "${r}" is not open to the page`);
    const properties = {};
    for (const [k, v] of Object.entries(n.properties)) if (passes(k)) properties[k] = this.node(v, refName(v.$ref) ?? `${ctx}.${k}`);
    for (const key of ['anyOf', 'oneOf', 'allOf']) {
      if (!Array.isArray(n[key])) continue;
      // A part that requires an operator-owned field is gone; its other fields stay listed.
      n[key] = n[key]
        .filter((p) => (p.required ?? []).every(passes))
        .map((p) => ({ ...p, properties: Object.fromEntries(Object.entries(p.properties).filter(([k]) => passes(k)).map(([k, v]) => [k, this.node(v, refName(v.$ref) ?? `${ctx}.${k}`)])) }));
      if (n[key].length === 0) this.fail(ctx, `every ${key} part needs an operator-owned field`);
      for (const p of n[key]) for (const k of Object.keys(p.properties)) properties[k] ??= true;
    }
    n.properties = properties;
    n.additionalProperties = false;
    return n;
  }

  rule(ctx) {
    this.used.add(ctx);
    return this.classify(ctx) ?? this.fail(ctx, 'not classified');
  }

  classOf(cls, key) {
    if (cls.all === true) return 'page';
    return CLASSES.find((c) => (cls[c] ?? []).includes(key));
  }

  listed(cls) {
    if (cls.all === true) return [];
    return CLASSES.flatMap((c) => cls[c] ?? []);
  }
}

function methodsOf(unionSchema) {
  return new Map(
    unionSchema.oneOf.map((variant) => {
      const method = variant.properties.method.enum[0];
      const p = variant.properties.params;
      const ref = refName(p?.$ref) ?? refName((p?.anyOf ?? []).find((s) => s.$ref)?.$ref);
      return [method, { definition: ref ?? null, optional: p !== undefined && p.$ref === undefined }];
    }),
  );
}

/** The generated modules' texts, from the schemas as parsed objects. */
export function gatewayPolicyModules({ header, clientRequest, clientNotification, resultSchema, resultDefinitions }) {
  const definitions = stripAnnotations({ definitions: clientRequest.definitions }).definitions;
  const methods = new Map([...methodsOf(clientRequest), ...[...methodsOf(clientNotification)].map(([m, v]) => [m, { ...v, notification: true }])]);
  const closer = new Closer(
    definitions,
    (ctx) => (Object.prototype.hasOwnProperty.call(NESTED_FIELDS, ctx) ? NESTED_FIELDS[ctx] : undefined),
    'params',
  );
  const table = {};
  const owner = new Map();
  for (const [method, cls] of Object.entries(METHOD_FIELDS)) {
    const entry = methods.get(method);
    if (!entry) throw new Error(`gateway policy: scripts/gateway-fields.mjs classifies ${method}, which the protocol no longer has`);
    if (entry.definition === null) {
      if (closer.listed(cls).length > 0) throw new Error(`gateway policy: ${method} takes no params, yet fields are classified`);
      table[method] = { kind: entry.notification ? 'notification' : 'request', definition: null, optional: true, fields: {} };
      continue;
    }
    if (owner.has(entry.definition)) throw new Error(`gateway policy: ${method} and ${owner.get(entry.definition)} share ${entry.definition}`);
    owner.set(entry.definition, method);
    const d = definitions[entry.definition];
    closer.out[entry.definition] = closer.object(d, entry.definition, cls);
    table[method] = {
      kind: entry.notification ? 'notification' : 'request',
      definition: entry.definition,
      optional: entry.optional,
      fields: Object.fromEntries(Object.keys(d.properties).sort().map((k) => [k, closer.classOf(cls, k)])),
    };
  }
  const stale = Object.keys(NESTED_FIELDS).filter((ctx) => !closer.used.has(ctx));
  if (stale.length > 0) throw new Error(`gateway policy: scripts/gateway-fields.mjs classifies ${stale.join(', ')}, which no page field reaches`);
  const paramsDefinitions = Object.fromEntries(Object.entries(closer.out).sort(([a], [b]) => a.localeCompare(b)));
  const exports = [...owner.keys()].sort();

  // Answers: every listed field of the answer schemas passes (the decision is checked at run time);
  // unknown fields are refused, free-form values (an elicitation's content) stay free.
  const EVERY = { all: true, variants: { all: true }, open: true };
  const answerCloser = new Closer(stripAnnotations(resultSchema).definitions, () => EVERY, 'answers');
  const answerNames = [...new Set(PAGE_ANSWERED.map((m) => resultDefinitions[m] ?? (() => { throw new Error(`no result definition for ${m}`); })()))].sort();
  for (const name of answerNames) answerCloser.def(name);
  const answerDefinitions = Object.fromEntries(Object.entries(answerCloser.out).sort(([a], [b]) => a.localeCompare(b)));

  const q = JSON.stringify;
  const fields = [
    header,
    '/** How the gateway treats one params field: `page` passes (checked), `model` passes when it is one of the operator\'s models, `operator` is refused (unless null). */',
    "export type GatewayFieldClass = 'page' | 'model' | 'operator';",
    '',
    '/** One method the gateway can check: a request (sent with an id) or a notification, its params definition (in GATEWAY_PARAMS_SCHEMA_TEXT), whether params may be omitted, its fields. */',
    'export interface GatewayMethodFields {',
    "  readonly kind: 'request' | 'notification';",
    '  readonly definition: string | null;',
    '  readonly optional: boolean;',
    '  readonly fields: Readonly<Record<string, GatewayFieldClass>>;',
    '}',
    '',
    '/** Every method the gateway can check (scripts/gateway-fields.mjs classifies them); any other method is refused. */',
    `export const GATEWAY_METHOD_FIELDS: Readonly<Record<string, GatewayMethodFields>> = ${JSON.stringify(table, null, 2)};`,
    '',
    '/** Server requests a page may answer, with the result definition its answer is checked against. */',
    `export const PAGE_ANSWERED_RESULTS: Readonly<Record<string, string>> = ${JSON.stringify(Object.fromEntries(PAGE_ANSWERED.map((m) => [m, resultDefinitions[m]])), null, 2)};`,
    '',
    '/** The strict params schema (closed objects, operator fields and variants removed), as text: parsed only to word a refusal. */',
    `export const GATEWAY_PARAMS_SCHEMA_TEXT = ${q(JSON.stringify({ definitions: paramsDefinitions }))};`,
    '',
    '/** The strict answer schema, as text: parsed only to word a refusal. */',
    `export const GATEWAY_ANSWER_SCHEMA_TEXT = ${q(JSON.stringify({ definitions: answerDefinitions }))};`,
    '',
  ].join('\n');
  const validators = standaloneModule(header, 'gateway', paramsDefinitions, exports, "the gateway's strict params of every method it can check,\n// one export per params definition (GATEWAY_METHOD_FIELDS names it)");
  const answers = standaloneModule(header, 'answers', answerDefinitions, answerNames, "the gateway's strict answers to the server requests a page may answer,\n// one export per result definition (PAGE_ANSWERED_RESULTS names it)");
  return { fields, validators: validators.text, answers: answers.text, summary: `${Object.keys(table).length} methods, ${Object.keys(paramsDefinitions).length} params definitions, ${answerNames.length} answers` };
}

/** Writes the modules under lib/gateway. */
export function writeGatewayPolicy(root, header, schemas) {
  const out = gatewayPolicyModules({ header, ...schemas });
  const dir = path.join(root, 'lib', 'gateway');
  writeFileSync(path.join(dir, 'params-fields.generated.ts'), out.fields);
  writeFileSync(path.join(dir, 'params-validators.generated.ts'), out.validators);
  writeFileSync(path.join(dir, 'answer-validators.generated.ts'), out.answers);
  return out.summary;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Alone: from the committed schema (no binary needed).
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const protocolDir = path.join(root, 'lib', 'protocol');
  const read = (name) => JSON.parse(readFileSync(path.join(protocolDir, 'schema', `${name}.json`), 'utf8'));
  const tables = readFileSync(path.join(protocolDir, 'tables.generated.ts'), 'utf8');
  const version = /PROTOCOL_VERSION = "([^"]+)"/.exec(tables)[1];
  const resultDefinitions = JSON.parse(/SERVER_REQUEST_RESULT_DEFINITIONS[^=]*= (\{[^}]*\})/.exec(tables)[1]);
  const resultText = readFileSync(path.join(protocolDir, 'result-schema-text.generated.ts'), 'utf8');
  const resultSchema = JSON.parse(JSON.parse(/SERVER_REQUEST_RESULT_SCHEMA = (".*");/.exec(resultText)[1]));
  const header = `// GENERATED by scripts/generate-protocol.mjs from codex ${version}. Do not edit by hand.\n`;
  console.log(`gateway policy: ${writeGatewayPolicy(root, header, { clientRequest: read('ClientRequest'), clientNotification: read('ClientNotification'), resultSchema, resultDefinitions })}`);
}
