/**
 * Fuzz of the gateway policy: random and mutated client frames (arrays, duplicate keys, unicode
 * escapes, unknown and operator fields, deep nesting, huge strings, garbage). Property: whatever
 * admitClientFrame lets out, serialised as the hub forwards it, re-parses to a message whose
 * every field is on the allow-list and valid against the schema, and admitting it again gives
 * the same. Seeded: a failure names its seed and frame, and reproduces with FUZZ_SEED=<seed>.
 */
import type { ValidateFunction } from 'ajv';
import { admitClientFrame, type ClientFrameVerdict } from '../../lib/gateway/frame-policy.js';
import { GATEWAY_METHOD_FIELDS } from '../../lib/gateway/params-fields.generated.js';
import * as STRICT from '../../lib/gateway/params-validators.generated.js';
import { compileGatewayPolicy } from '../../lib/gateway/policy.js';
import { validateParams } from '../../lib/validation/params-validator.js';
import { parseStrictJson } from '../../lib/gateway/strict-json.js';
import { prng } from '../support/prng.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed21);
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 20_000);
const MODELS = ['gpt-5.1'];
const policy = compileGatewayPolicy({ models: MODELS, maxStringBytes: 4096, maxInputBytes: 16_384 });

const text = (t: string) => ({ type: 'text', text: t, text_elements: [] });
const CORPUS: Array<Record<string, unknown>> = [
  { id: 0, method: 'initialize', params: { clientInfo: { name: 'n', title: null, version: '1' }, capabilities: { experimentalApi: true, optOutNotificationMethods: ['x'] } } },
  { method: 'initialized' },
  { id: 1, method: 'thread/start', params: { ephemeral: true, model: 'gpt-5.1', personality: 'friendly' } },
  { id: 2, method: 'turn/start', params: { threadId: 't', input: [text('hi'), { type: 'image', url: 'https://x/a.png', detail: 'low' }], effort: 'low', outputSchema: { type: 'object', properties: { a: { type: 'string' } } } } },
  { id: 3, method: 'turn/steer', params: { threadId: 't', expectedTurnId: 'u', input: [{ ...text('x'), text_elements: [{ byteRange: { start: 0, end: 1 }, placeholder: null }] }] } },
  { id: 'four', method: 'thread/resume', params: { threadId: 't', initialTurnsPage: { limit: 5, sortDirection: 'asc' } } },
  { id: 5, method: 'thread/fork', params: { threadId: 't', lastTurnId: 'u' } },
  { id: 6, method: 'thread/list', params: { limit: 3, cwd: ['a', 'b'], sortKey: 'created_at', sourceKinds: [] } },
  { id: 7, method: 'thread/items/list', params: { threadId: 't', cursor: { type: 'item', itemId: 'i' }, deferOutput: { commandExecution: true } } },
  { id: 8, method: 'thread/name/set', params: { threadId: 't', name: 'n' } },
  { id: 9, method: 'model/list', params: {} },
  { id: 10, result: { decision: 'accept' } },
  { id: 11, error: { code: 1, message: 'no' } },
];
const KEYS = [
  ...new Set([
    ...Object.values(GATEWAY_METHOD_FIELDS).flatMap((m) => Object.keys(m.fields)),
    'type', 'text', 'url', 'path', 'name', 'fileId', 'mcp_servers', 'command', '__proto__', 'constructor', 'id', 'method', 'params', 'result', 'error', 'jsonrpc',
  ]),
];
const METHODS = [...Object.keys(GATEWAY_METHOD_FIELDS), 'fs/readFile', 'command/exec', 'config/batchWrite', 'thread/shellCommand'];
const INPUT_TYPES = ['text', 'image', 'localImage', 'localAudio', 'audio', 'skill', 'mention'];

function fuzzer(random: () => number) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const str = (): string => pick(['', 'x', 'gpt-5.1', 'o3', '/etc/passwd', 'danger-full-access', 'é😀', '\u0000\n', 'a'.repeat(5000), 'on-request', 'text', 'image', 't']);
  const value = (depth: number): unknown => {
    const r = int(depth > 3 ? 5 : 9);
    if (r === 0) return null;
    if (r === 1) return random() < 0.5;
    if (r === 2) return pick([0, -1, 1.5, 2 ** 53, 7]);
    if (r < 5) return str();
    if (r < 7) return Array.from({ length: int(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(KEYS), value(depth + 1)]));
  };
  /** Every object and array in `v`, for mutations at a random place. */
  const containers = (v: unknown, out: Array<Record<string, unknown> | unknown[]> = []) => {
    if (v !== null && typeof v === 'object') {
      out.push(v as Record<string, unknown>);
      for (const x of Object.values(v)) containers(x, out);
    }
    return out;
  };
  const mutateValue = (message: Record<string, unknown>) => {
    const spot = pick(containers(message));
    const r = int(8);
    if (Array.isArray(spot)) {
      if (r < 3) spot.push(value(2));
      else if (r < 5 && spot.length > 0) spot[int(spot.length)] = { ...text('x'), type: pick(INPUT_TYPES), path: '/etc/passwd' };
      else spot.length = 0;
      return;
    }
    const keys = Object.keys(spot);
    if (r < 3) spot[pick(KEYS)] = value(1);
    else if (r < 4 && keys.length > 0) delete spot[pick(keys)];
    else if (r < 5 && keys.length > 0) spot[pick(keys)] = value(1);
    else if (r < 6 && 'params' in spot && spot.params && typeof spot.params === 'object') spot.params = Object.values(spot.params); // positional
    else if (r < 7) spot.method = pick(METHODS);
    else if (keys.length > 0) spot[pick(keys)] = nested(40 + int(40));
  };
  const nested = (depth: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = random() < 0.5 ? [v] : { a: v };
    return v;
  };
  /** Set when a mutation put a key twice into one object. */
  const state = { duplicated: false };
  const mutateText = (t: string): string => {
    const r = int(9);
    if (r === 0) return `[${t}]`; // batch
    if (r === 1) {
      // a (second) top-level method: the smuggling shape
      if (/^\{"method":/.test(t) || /,"method":/.test(t.slice(0, 40))) state.duplicated ||= t.startsWith('{');
      return t.replace(/^\{/, `{"method":${JSON.stringify(pick(METHODS))},`);
    }
    if (r === 2) {
      // unicode-escape the first letter of a random key
      const keys = [...t.matchAll(/"([a-zA-Z_]+)":/g)];
      if (keys.length === 0) return t;
      const k = pick(keys);
      const escaped = `"\\u${k[1]!.charCodeAt(0).toString(16).padStart(4, '0')}${k[1]!.slice(1)}":`;
      return t.slice(0, k.index!) + escaped + t.slice(k.index! + k[0].length);
    }
    if (r === 3) {
      // a key copied next to itself, same or other value
      const keys = [...t.matchAll(/"([a-zA-Z_]+)":/g)];
      if (keys.length === 0) return t;
      const k = pick(keys);
      state.duplicated = true;
      return t.slice(0, k.index!) + `${k[0]}${JSON.stringify(value(3))},` + t.slice(k.index!);
    }
    if (r === 4) return t.replace(/:(\{|\[)/, `:${'['.repeat(60 + int(20))}$1`).concat(']'.repeat(60 + int(20))); // deep (often malformed)
    if (r === 5) return t.slice(0, int(t.length)); // truncated
    if (r === 6) {
      const at = int(t.length);
      state.duplicated = false; // the new character may fall into the repeated key
      return t.slice(0, at) + pick(['"', '\\', '}', ',', '\u0000', '\ud800', ' ']) + t.slice(at);
    }
    if (r === 7) {
      const nest = int(80);
      return t.replace(/"params":\{/, `"params":{"outputSchema":${'{"a":'.repeat(nest)}1${'}'.repeat(nest)},`);
    }
    return t.replace(/"(text|name)":"[^"]*"/, `"$1":"${'x'.repeat(pick([4096, 4097, 20_000]))}"`); // huge string
  };
  return { int, pick, value, mutateValue, mutateText, state };
}

const strict = STRICT as unknown as Record<string, ValidateFunction>;

/** The property: what the hub would forward is fully checked. Returns a problem, or undefined. */
function problem(verdict: ClientFrameVerdict): string | undefined {
  if (verdict.kind === 'close' || verdict.kind === 'refuse') return undefined;
  const forwarded = JSON.stringify(verdict.kind === 'answer' ? { id: verdict.id, result: verdict.result, error: verdict.error } : { id: 'id' in verdict ? verdict.id : undefined, method: verdict.method, params: verdict.params });
  const again = parseStrictJson(forwarded);
  if (!again.ok) return `forwarded text does not parse strictly: ${again.reason}`;
  const m = again.value as Record<string, unknown>;
  if (verdict.kind === 'answer') {
    if (('result' in m) === ('error' in m)) return 'an answer without exactly one of result/error';
    return typeof m.id === 'string' || typeof m.id === 'number' ? undefined : 'answer id';
  }
  const method = m.method as string;
  const entry = GATEWAY_METHOD_FIELDS[method];
  if (!entry || !policy.allowsMethod(method, m.params, undefined)) return `method ${method} forwarded`;
  if (m.params === undefined) return entry.definition === null || entry.optional ? undefined : 'required params missing';
  const params = m.params as Record<string, unknown>;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return 'params not an object';
  for (const [k, v] of Object.entries(params)) {
    const cls = entry.fields[k];
    if (cls === 'page') continue;
    if (cls === 'model' && MODELS.includes(v as string)) continue;
    return `params.${k} (${cls ?? 'unknown'}) forwarded`;
  }
  // Independent of the gateway's strict schema: the client's own validator, and the input rule.
  const issues = validateParams(method, params);
  if (issues) return `params invalid for the protocol: ${JSON.stringify(issues[0])}`;
  if (!strict[entry.definition!]!(params)) return 'params fail the strict schema';
  for (const item of (params.input as Array<Record<string, unknown>> | undefined) ?? []) {
    if (item.type !== 'text' && item.type !== 'image') return `input item ${String(item.type)} forwarded`;
    const allowed = item.type === 'text' ? ['type', 'text', 'text_elements'] : ['type', 'url', 'detail'];
    const extra = Object.keys(item).find((k) => !allowed.includes(k));
    if (extra) return `input item field ${extra} forwarded`;
  }
  const again2 = admitClientFrame(forwarded, policy, undefined);
  if (JSON.stringify(again2) !== JSON.stringify(verdict)) return `not a fixed point: ${JSON.stringify(again2).slice(0, 200)}`;
  return undefined;
}

describe('gateway policy fuzz', () => {
  it(`nothing unchecked comes out of ${FRAMES} random and mutated frames (seed ${SEED})`, () => {
    const random = prng(SEED);
    const f = fuzzer(random);
    const kinds: Record<string, number> = {};
    for (let n = 0; n < FRAMES; n++) {
      let frame: string;
      f.state.duplicated = false;
      if (f.int(10) === 0) {
        frame = JSON.stringify({ id: f.int(100), method: f.pick(METHODS), params: f.value(0) });
      } else {
        const message = structuredClone(f.pick(CORPUS));
        for (let k = f.int(3); k > 0; k--) f.mutateValue(message);
        frame = JSON.stringify(message);
        f.state.duplicated = false;
        for (let k = f.int(3); k > 0; k--) frame = f.mutateText(frame);
      }
      let verdict: ClientFrameVerdict;
      try {
        verdict = admitClientFrame(frame, policy, { id: 'p' });
      } catch (e) {
        throw new Error(`seed ${SEED} frame ${n} threw ${String(e)}: ${frame.slice(0, 400)}`);
      }
      kinds[verdict.kind] = (kinds[verdict.kind] ?? 0) + 1;
      // A frame with a key twice is refused outright, whatever else it holds.
      const bad = f.state.duplicated && verdict.kind !== 'close' ? `a duplicate key was not refused (${verdict.kind})` : problem(verdict);
      if (f.state.duplicated) kinds.duplicated = (kinds.duplicated ?? 0) + 1;
      if (bad !== undefined) throw new Error(`seed ${SEED} frame ${n}: ${bad}\nframe: ${frame.slice(0, 400)}\nverdict: ${JSON.stringify(verdict).slice(0, 400)}`);
    }
    // The fuzz must exercise every outcome, or it proves little.
    for (const kind of ['request', 'notification', 'answer', 'refuse', 'close', 'duplicated']) expect([kind, (kinds[kind] ?? 0) > 20]).toEqual([kind, true]);
  });
});
