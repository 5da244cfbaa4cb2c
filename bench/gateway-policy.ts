/**
 * The gateway policy's CPU per message (issue 21), in process, no sockets:
 *  - client→server: parse + check + re-serialise (admitClientFrame + JSON.stringify of what the
 *    hub forwards), per typical message, beside JSON.parse + JSON.stringify of the same frame;
 *  - server→client: classifyServerFrame per frame (text and bytes, both key orders), beside
 *    JSON.parse of the same frame (what a parse-based router would pay).
 * Each figure: median [min–max] ns per message over rounds (CPU time of the loop / messages).
 *
 *   node bench/build.mjs && node bench/.build/bench/gateway-policy.js [rounds]
 */
import { admitAnswer } from '../lib/gateway/answer-policy.js';
import { admitClientFrame } from '../lib/gateway/frame-policy.js';
import { compileGatewayPolicy } from '../lib/gateway/policy.js';
import { classifyServerFrame } from '../lib/gateway/server-frame.js';
import { escalatedCommandApproval } from '../spec/support/escalated-approval.js';
import { isMain } from './fixtures.js';
import { spread, startClock, type Spread } from './stats.js';

const policy = compileGatewayPolicy({ models: ['gpt-5.1'] });
const PRINCIPAL = { id: 'bench' };
const THREAD = '01a24da8-4555-78f3-9f68-21360e5266f8';
const TURN = '01a24da8-4563-7810-a475-2c018f9d12d1';

const APPROVAL_PARAMS = escalatedCommandApproval(3, { threadId: THREAD, turnId: TURN }, '/tmp/codex-rx-test-P8n1vW/workspace').params;
const text = (t: string) => ({ type: 'text', text: t, text_elements: [] });
/** A frame as a transport hands it over: a flat string decoded from bytes (JSON.stringify makes rope strings, slower to scan). */
const wire = (message: unknown) => Buffer.from(JSON.stringify(message)).toString('utf8');

/** Client frames as a page sends them. */
export const CLIENT_FRAMES: Readonly<Record<string, string>> = {
  'turn/start (short text)': wire({ id: 41, method: 'turn/start', params: { threadId: THREAD, input: [text('Summarise the README in two sentences.')] } }),
  'turn/start (4 KiB text + image url)': wire({ id: 42, method: 'turn/start', params: { threadId: THREAD, input: [text('lorem ipsum '.repeat(342)), { type: 'image', url: 'https://example.test/a.png' }], effort: 'low' } }),
  'thread/start': wire({ id: 43, method: 'thread/start', params: { ephemeral: true, model: 'gpt-5.1' } }),
  'thread/loaded/list (row 7 round trip)': wire({ id: 44, method: 'thread/loaded/list', params: {} }),
  'approval answer (+ admitAnswer)': wire({ id: 3, result: { decision: 'decline' } }),
};

const DELTA = { method: 'item/agentMessage/delta', params: { threadId: THREAD, turnId: TURN, itemId: 'msg_0a1b2c3d4e5f', delta: 'w17 ' } };
const REQUEST = { id: 3, method: 'item/commandExecution/requestApproval', params: APPROVAL_PARAMS };
const RESPONSE = { id: 44, result: { data: [THREAD], nextCursor: null } };
const reordered = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());

/** Server frames, in the order the app-server writes keys and reversed. */
export const SERVER_FRAMES: Readonly<Record<string, string>> = {
  'delta notification': wire(DELTA),
  'delta notification, params first': wire(reordered(DELTA)),
  'approval request': wire(REQUEST),
  'approval request, id last': wire(reordered(REQUEST)),
  response: wire(RESPONSE),
  'response, id last': wire(reordered(RESPONSE)),
};

/** CPU ns per call of `fn` over `n` calls. */
function nsPerCall(n: number, fn: () => void): number {
  const clock = startClock();
  for (let i = 0; i < n; i++) fn();
  return (clock().cpu * 1e6) / n;
}

let sink: unknown;

/** One client frame end to end, as the hub handles it. */
function clientMessage(frame: string): void {
  const verdict = admitClientFrame(frame, policy, PRINCIPAL);
  if (verdict.kind === 'request') sink = JSON.stringify({ id: 1, method: verdict.method, params: verdict.params });
  else if (verdict.kind === 'answer') {
    const answer = admitAnswer({ method: 'item/commandExecution/requestApproval', params: APPROVAL_PARAMS }, verdict, policy);
    sink = JSON.stringify({ id: 1, ...answer });
  } else throw new Error(`bench frame not admitted: ${JSON.stringify(verdict)}`);
}

export interface GatewayPolicyFigures {
  /** ns per client message: the policy, and JSON.parse + JSON.stringify alone. */
  client: Record<string, { policy: Spread; parseStringify: Spread; bytes: number }>;
  /** ns per server frame: classifyServerFrame on text and bytes, JSON.parse on text and bytes. */
  server: Record<string, { classifyText: Spread; classifyBytes: Spread; parseText: Spread; parseBytes: Spread; bytes: number }>;
}

/** Runs every case for `rounds` rounds (after a warm-up round). */
export function benchGatewayPolicy(rounds = 7, n = 20_000): GatewayPolicyFigures {
  const client: GatewayPolicyFigures['client'] = {};
  const server: GatewayPolicyFigures['server'] = {};
  const samples = new Map<string, number[]>();
  const add = (key: string, v: number) => (samples.get(key) ?? samples.set(key, []).get(key)!).push(v);
  for (let round = 0; round <= rounds; round++) {
    const keep = round > 0; // round 0 warms the JIT up
    for (const [name, frame] of Object.entries(CLIENT_FRAMES)) {
      const policyNs = nsPerCall(n, () => clientMessage(frame));
      const floorNs = nsPerCall(n, () => (sink = JSON.stringify(JSON.parse(frame))));
      if (keep) add(`c:${name}:policy`, policyNs), add(`c:${name}:floor`, floorNs);
    }
    for (const [name, frame] of Object.entries(SERVER_FRAMES)) {
      const bytes = Buffer.from(frame);
      const figures = {
        classifyText: nsPerCall(n * 5, () => (sink = classifyServerFrame(frame))),
        classifyBytes: nsPerCall(n * 5, () => (sink = classifyServerFrame(bytes))),
        parseText: nsPerCall(n * 5, () => (sink = JSON.parse(frame))),
        parseBytes: nsPerCall(n * 5, () => (sink = JSON.parse(bytes.toString('utf8')))),
      };
      if (keep) for (const [k, v] of Object.entries(figures)) add(`s:${name}:${k}`, v);
    }
  }
  for (const [name, frame] of Object.entries(CLIENT_FRAMES)) client[name] = { policy: spread(samples.get(`c:${name}:policy`)!), parseStringify: spread(samples.get(`c:${name}:floor`)!), bytes: Buffer.byteLength(frame) };
  for (const [name, frame] of Object.entries(SERVER_FRAMES)) {
    const s = (k: string) => spread(samples.get(`s:${name}:${k}`)!);
    server[name] = { classifyText: s('classifyText'), classifyBytes: s('classifyBytes'), parseText: s('parseText'), parseBytes: s('parseBytes'), bytes: Buffer.byteLength(frame) };
  }
  void sink;
  return { client, server };
}

const ns = (s: Spread) => `${Math.round(s.median)} [${Math.round(s.min)}–${Math.round(s.max)}]`;

/** The figures as two markdown tables. */
export function formatGatewayPolicy(f: GatewayPolicyFigures): string {
  const lines = [
    '| client→server message | bytes | parse + check + re-serialise (ns) | JSON.parse + stringify alone (ns) |',
    '| --- | --- | --- | --- |',
    ...Object.entries(f.client).map(([name, c]) => `| ${name} | ${c.bytes} | ${ns(c.policy)} | ${ns(c.parseStringify)} |`),
    '',
    '| server→client frame | bytes | classifyServerFrame text (ns) | bytes (ns) | JSON.parse text (ns) | bytes (toString + parse) (ns) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...Object.entries(f.server).map(([name, s]) => `| ${name} | ${s.bytes} | ${ns(s.classifyText)} | ${ns(s.classifyBytes)} | ${ns(s.parseText)} | ${ns(s.parseBytes)} |`),
  ];
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 7);
  console.log(formatGatewayPolicy(benchGatewayPolicy(rounds)));
}
