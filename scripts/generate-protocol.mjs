#!/usr/bin/env node
// Regenerates lib/protocol/{generated,schema} from the pinned @openai/codex binary, then derives
// the tables the client needs (method -> result type, where thread/turn ids sit, params schema
// names) into lib/protocol/*.generated.ts. Deterministic: running it twice changes nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffProtocols, formatDiff, pinnedCodexBinary, protocolFromSchemaDir } from './protocol-diff-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const protocolDir = path.join(root, 'lib', 'protocol');
const tsOut = path.join(protocolDir, 'generated');
const schemaOut = path.join(protocolDir, 'schema');

const pinned = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies['@openai/codex'];
const bin = await pinnedCodexBinary();
const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).pop();
if (version !== pinned) throw new Error(`binary is ${version}, package.json pins @openai/codex ${pinned}`);

// The committed protocol, to report what this run changes.
const tablesFile = path.join(protocolDir, 'tables.generated.ts');
const before = existsSync(path.join(schemaOut, 'ClientRequest.json'))
  ? protocolFromSchemaDir(schemaOut, (existsSync(tablesFile) && /PROTOCOL_VERSION = "([^"]+)"/.exec(readFileSync(tablesFile, 'utf8'))?.[1]) || 'committed')
  : undefined;

rmSync(tsOut, { recursive: true, force: true });
rmSync(schemaOut, { recursive: true, force: true });
execFileSync(bin, ['app-server', 'generate-ts', '--experimental', '--out', tsOut], { stdio: 'inherit' });
execFileSync(bin, ['app-server', 'generate-json-schema', '--experimental', '--out', schemaOut], { stdio: 'inherit' });

// ESM consumers (moduleResolution node16/nodenext) need explicit extensions in declaration files.
function walk(dir) {
  return readdirSync(dir).sort().flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
for (const file of walk(tsOut).filter((f) => f.endsWith('.ts'))) {
  const src = readFileSync(file, 'utf8');
  const out = src.replace(/(from\s+")(\.{1,2}\/[^"]+?)(?<!\.js)"/g, (_, from, spec) => {
    const isDir = existsSync(path.join(path.dirname(file), spec)) && statSync(path.join(path.dirname(file), spec)).isDirectory();
    return `${from}${spec}${isDir ? '/index' : ''}.js"`;
  });
  if (out !== src) writeFileSync(file, out);
}

// ---- derive the tables ----------------------------------------------------------------------
const readSchema = (name) => JSON.parse(readFileSync(path.join(schemaOut, `${name}.json`), 'utf8'));
const clientRequest = readSchema('ClientRequest');
const serverNotification = readSchema('ServerNotification');
const serverRequest = readSchema('ServerRequest');

const tsTypes = new Map(); // type name -> import path relative to lib/protocol
for (const file of walk(tsOut).filter((f) => f.endsWith('.ts') && !f.endsWith('index.ts'))) {
  const name = path.basename(file, '.ts');
  const rel = './' + path.relative(protocolDir, file).split(path.sep).join('/').replace(/\.ts$/, '.js');
  if (!tsTypes.has(name)) tsTypes.set(name, rel);
}

// Result types whose names do not follow `<X>Params` -> `<X>Response`. Taken from the result
// types the binary generates but no params name predicts; the generator fails if one is missing.
const RESULT_OVERRIDES = {
  'memory/reset': 'MemoryResetResponse',
  'rollout/compress': 'RolloutCompressResponse',
  'account/gatewayOAuth/read': 'GatewayOAuthReadResponse',
  'account/gatewayOAuth/login': 'GatewayOAuthLoginResponse',
  'account/gatewayOAuth/cancel': 'GatewayOAuthCancelResponse',
  'remoteControl/enable': 'RemoteControlEnableResponse',
  'remoteControl/disable': 'RemoteControlDisableResponse',
  'remoteControl/status/read': 'RemoteControlStatusReadResponse',
  'config/mcpServer/reload': 'McpServerRefreshResponse',
  'windowsSandbox/readiness': 'WindowsSandboxReadinessResponse',
  'accountSession/list': 'AccountSessionsResponse',
  'account/logout': 'LogoutAccountResponse',
  'account/securitySetup/read': 'GetAccountSecuritySetupResponse',
  'account/rateLimits/read': 'GetAccountRateLimitsResponse',
  'account/usage/read': 'GetAccountTokenUsageResponse',
  'account/workspaceMessages/read': 'GetWorkspaceMessagesResponse',
  'externalAgentConfig/import/readHistories': 'ExternalAgentConfigImportHistoriesReadResponse',
  'config/value/write': 'ConfigWriteResponse',
  'config/batchWrite': 'ConfigWriteResponse',
  'configRequirements/read': 'ConfigRequirementsReadResponse',
  // 0.171.0 generates no result type for it; the real binary answers a config write
  // ({ status, version, filePath, overriddenMetadata }), checked by hand on 0.171.0.
  'modelProvider/default/set': 'ConfigWriteResponse',
};

function methodsOf(unionSchema) {
  return unionSchema.oneOf.map((variant) => {
    const method = variant.properties.method.enum[0];
    const p = variant.properties.params;
    // Optional params appear as `anyOf: [{ $ref }, { type: 'null' }]`.
    const ref = p?.$ref ?? (p?.anyOf ?? p?.oneOf ?? []).find((s) => s.$ref)?.$ref;
    return { method, params: ref ? ref.split('/').pop() : null };
  });
}

// Methods whose result the binary generates no type for and nobody has checked: typed `unknown`.
const UNTYPED_RESULTS = new Set([]);

function resultOf({ method, params }) {
  if (UNTYPED_RESULTS.has(method)) return 'unknown';
  const name = RESULT_OVERRIDES[method] ?? (params ? params.replace(/Params$/, 'Response') : undefined);
  if (!name || !tsTypes.has(name)) throw new Error(`no result type for ${method} (params ${params}); add it to RESULT_OVERRIDES`);
  return name;
}

// Where the thread id and the turn id sit in a message's params, as a code of one letter each
// (see IdCode in the output), for the methods of the union that carry either.
function idCodes(unionSchema) {
  const defs = unionSchema.definitions;
  const deref = (s) => {
    while (s && s.$ref) s = defs[s.$ref.split('/').pop()];
    return s ?? {};
  };
  const table = {};
  for (const { method, params } of methodsOf(unionSchema)) {
    const props = params ? (deref({ $ref: `#/definitions/${params}` }).properties ?? {}) : {};
    const sub = (key) => deref(props[key]).properties ?? {};
    let code = '';
    if (props.threadId) code += 't';
    else if (props.conversationId) code += 'c';
    else if (props.thread && sub('thread').id) code += 'h';
    if (props.turnId) code += 'u';
    else if (props.turn && sub('turn').id) code += 'n';
    if (code !== '') table[method] = code;
  }
  return table;
}

// The TypeScript union is the type contract: it also has a few legacy methods the JSON Schema
// leaves out (their params are then not validated).
function methodsOfTs(file) {
  const source = readFileSync(path.join(tsOut, file), 'utf8');
  return [...source.matchAll(/\{ "method": "([^"]+)", id: RequestId, params\??: (\w+)[^,]*, \}/g)].map(([, method, params]) => ({
    method,
    params: params === 'undefined' ? null : params,
  }));
}
const clientMethods = methodsOfTs('ClientRequest.ts');
const schemaClientMethods = new Set(methodsOf(clientRequest).map((m) => m.method));
const notificationMethods = methodsOf(serverNotification);
const serverRequestMethods = methodsOf(serverRequest);

// What the client answers each server request: the approval router checks answers against
// these. One definitions table (each result under its own name, plus what it references).
const serverRequestResults = {};
const serverRequestResultSchema = { $schema: 'http://json-schema.org/draft-07/schema#', definitions: {} };
for (const m of serverRequestMethods) {
  const name = resultOf(m);
  const { $schema: _, definitions = {}, ...top } = readSchema(name);
  serverRequestResults[m.method] = name;
  for (const [n, d] of Object.entries({ ...definitions, [name]: top })) {
    const prior = serverRequestResultSchema.definitions[n];
    if (prior !== undefined && JSON.stringify(prior) !== JSON.stringify(d)) throw new Error(`two different definitions named ${n} among the server request results`);
    serverRequestResultSchema.definitions[n] = d;
  }
}

const header = `// GENERATED by scripts/generate-protocol.mjs from codex ${version}. Do not edit by hand.\n`;
const imports = new Set();
const typeRef = (name) => {
  if (name !== 'unknown') imports.add(name);
  return name;
};
const lines = (rows) => rows.map((r) => `  ${r}`).join('\n');
const q = JSON.stringify;

const body = `
/** The codex version this protocol was generated from. */
export const PROTOCOL_VERSION = ${q(version)};

/** Result type of every client -> server request, by method. */
export interface ClientResultMap {
${lines(clientMethods.map((m) => `${q(m.method)}: ${typeRef(resultOf(m))};`))}
}

/** Result type the client answers every server -> client request with, by method. */
export interface ServerRequestResultMap {
${lines(serverRequestMethods.map((m) => `${q(m.method)}: ${typeRef(resultOf(m))};`))}
}

/**
 * Where a message carries its thread id and turn id, one letter each: t = params.threadId,
 * c = params.conversationId, h = params.thread.id; u = params.turnId, n = params.turn.id.
 */
export type IdCode = 't' | 'c' | 'h' | 'u' | 'n' | 'tu' | 'tn' | 'cu' | 'cn' | 'hu' | 'hn';

/**
 * The server notifications that carry a thread or turn id, with where (see IdCode). The others
 * carry neither field: read at the conventional threadId / turnId, they give none.
 */
export const NOTIFICATION_IDS: Readonly<Record<string, IdCode>> = ${JSON.stringify(idCodes(serverNotification))};

/** The server requests that carry a thread or turn id, with where (see IdCode). */
export const SERVER_REQUEST_IDS: Readonly<Record<string, IdCode>> = ${JSON.stringify(idCodes(serverRequest))};
`;
const importBlock = [...imports].sort().map((n) => `import type { ${n} } from ${q(tsTypes.get(n))};`).join('\n');
writeFileSync(path.join(protocolDir, 'tables.generated.ts'), `${header}${importBlock}\n${body}`);

// What only validation reads, in a module of its own: the client's first load (a page) needs the
// routing tables above, not these (they load with the validators, on first use).
writeFileSync(path.join(protocolDir, 'validation-tables.generated.ts'), `${header}
/** Schema definition name of each client method's params (null: the method takes none). */
export const CLIENT_PARAMS_DEFINITIONS: Readonly<Record<string, string | null>> = ${JSON.stringify(Object.fromEntries(methodsOf(clientRequest).map((m) => [m.method, m.params])), null, 2)};

/** Client methods in the TypeScript types that the JSON Schema does not describe (not validated). */
export const UNSCHEMATIZED_CLIENT_METHODS: readonly string[] = ${JSON.stringify(clientMethods.filter((m) => !schemaClientMethods.has(m.method)).map((m) => m.method))};

/** Schema definition name of the result of each server request (in SERVER_REQUEST_RESULT_SCHEMA). */
export const SERVER_REQUEST_RESULT_DEFINITIONS: Readonly<Record<string, string>> = ${JSON.stringify(serverRequestResults, null, 2)};
`);

// The schemas the runtime validates with, as lazily parsed strings (ESM-safe: no JSON import).
// The inbound ones carry ajv's discriminator on their tagged unions, as the standalone validators do.
const { tagUnions } = await import('./standalone-validators.mjs');
const withTags = (schema) => ({ ...schema, definitions: tagUnions(schema.definitions).definitions });
writeFileSync(path.join(protocolDir, 'schema-text.generated.ts'), [
  header,
  `/** JSON Schema (draft-07) of every client request, as text: parse on first use. */`,
  `export const CLIENT_REQUEST_SCHEMA = ${q(JSON.stringify(clientRequest))};`,
  `/** JSON Schema of every server notification, as text. */`,
  `export const SERVER_NOTIFICATION_SCHEMA = ${q(JSON.stringify(withTags(serverNotification)))};`,
  `/** JSON Schema of every server request, as text. */`,
  `export const SERVER_REQUEST_SCHEMA = ${q(JSON.stringify(withTags(serverRequest)))};`,
  `// In a file of its own: answering approvals needs it in a browser's first load, the rest not.`,
  `export { SERVER_REQUEST_RESULT_SCHEMA } from './result-schema-text.generated.js';`,
  '',
].join('\n'));
writeFileSync(path.join(protocolDir, 'result-schema-text.generated.ts'), [
  header,
  `/** JSON Schema of the result of every server request (what the client answers), as text. */`,
  `export const SERVER_REQUEST_RESULT_SCHEMA = ${q(JSON.stringify(serverRequestResultSchema))};`,
  '',
].join('\n'));

console.log(`codex ${version}: ${schemaClientMethods.size} client methods in the schema (${clientMethods.length} typed), ${notificationMethods.length} notifications, ${serverRequestMethods.length} server requests`);
if (before) console.log(formatDiff(diffProtocols(before, protocolFromSchemaDir(schemaOut, version))));

// ---- validators compiled ahead of time ------------------------------------------------------
// ajv's standalone code for the params of every client method (scripts/standalone-validators.mjs):
// plain functions, so that runtime validation needs no `new Function` (a page under
// `script-src 'self'` can validate) and a method's first call costs what later ones do.
const { stripAnnotations, standaloneModule } = await import('./standalone-validators.mjs');

const definitions = stripAnnotations({ definitions: clientRequest.definitions }).definitions;
const paramsDefinitions = [...new Set(methodsOf(clientRequest).map((m) => m.params).filter(Boolean))].sort();
const paramsValidators = standaloneModule(header, 'client', definitions, paramsDefinitions, 'the params of every client method, one export per params\n// definition (CLIENT_PARAMS_DEFINITIONS names it)');
writeFileSync(path.join(protocolDir, 'validators.generated.ts'), paramsValidators.text);
// What the client answers each server request, checked the same way before it is sent.
const answerValidators = standaloneModule(
  header,
  'results',
  stripAnnotations(serverRequestResultSchema).definitions,
  [...new Set(Object.values(serverRequestResults))].sort(),
  'the result of every server request (what the client answers),\n// one export per result definition (SERVER_REQUEST_RESULT_DEFINITIONS names it)',
);
writeFileSync(path.join(protocolDir, 'answer-validators.generated.ts'), answerValidators.text);
// The definitions the validators were built from, for the explainer (it words why params fail).
writeFileSync(
  path.join(protocolDir, 'params-definitions.generated.ts'),
  [
    header,
    '/** Params definitions of the client methods (annotations stripped), as text: parsed only to explain a failure. */',
    `export const CLIENT_PARAMS_SCHEMA_TEXT = ${q(JSON.stringify({ definitions }))};`,
    '/** Methods whose params may be omitted (`params?:`). */',
    `export const OPTIONAL_PARAMS_METHODS: readonly string[] = ${JSON.stringify(methodsOf(clientRequest).filter((m) => m.params && !clientRequest.oneOf.find((v) => v.properties.method.enum[0] === m.method).properties.params.$ref).map((m) => m.method))};`,
    '',
  ].join('\n'),
);
console.log(`validators: ${paramsDefinitions.length} params definitions, ${Math.round(paramsValidators.size / 1024)} KiB of standalone code (${paramsValidators.unions}); answers: ${Object.keys(serverRequestResults).length} server requests, ${Math.round(answerValidators.size / 1024)} KiB (${answerValidators.unions})`);

// ---- the gateway's field policy (lib/gateway/*.generated.ts) ---------------------------------
// Fails when a params field a page can reach is not classified in scripts/gateway-fields.mjs.
const { writeGatewayPolicy } = await import('./generate-gateway-policy.mjs');
console.log(`gateway policy: ${writeGatewayPolicy(root, header, { clientRequest, clientNotification: readSchema('ClientNotification'), resultSchema: serverRequestResultSchema, resultDefinitions: serverRequestResults })}`);
