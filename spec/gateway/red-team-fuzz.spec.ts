/**
 * Red team, issue 21 "fuzz the policy", end to end: seeded random mutations of valid frames (array
 * params, duplicate and unicode-escaped keys, operator fields, path inputs, deep nesting, lone
 * surrogates, batches, extra top-level keys, odd ids) go through the gateway to a recording
 * stand-in app-server. Every frame the app-server receives must be canonical JSON (what
 * JSON.stringify writes: no duplicate key, no client spelling) with no operator-owned field, no
 * path input, no model outside the operator's list and no string serde cannot read.
 */
import { prng } from '../support/prng.js';
import { startFakeUpstream, type FakeUpstream } from './support.js';
import { Lab } from './red-team-support.js';

jest.setTimeout(180_000);

/** Fields only the operator may choose (contract), anywhere in params. */
const OPERATOR_FIELDS = new Set([
  'cwd', 'sandbox', 'sandboxPolicy', 'permissions', 'approvalPolicy', 'approvalsReviewer', 'config', 'modelProvider',
  'baseInstructions', 'developerInstructions', 'dynamicTools', 'environments', 'runtimeWorkspaceRoots', 'path', 'history',
  'selectedCapabilityRoots', 'collaborationMode',
]);
const PATH_INPUTS = new Set(['localImage', 'localAudio', 'skill', 'mention']);
const MODELS = ['mock-model'];

/** What is wrong with one frame the app-server received (empty: nothing). */
function violations(text: string): string[] {
  const out: string[] = [];
  let m: any;
  try {
    m = JSON.parse(text);
  } catch {
    return ['not JSON'];
  }
  if (JSON.stringify(m) !== text) out.push('not canonical');
  if (/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i.test(text) || /(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i.test(text)) out.push('lone surrogate');
  if (Array.isArray(m) || m === null || typeof m !== 'object') return [...out, 'not one object'];
  if (m.params !== undefined && (m.params === null || typeof m.params !== 'object' || Array.isArray(m.params))) out.push('params not an object');
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${at}[${i}]`));
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (OPERATOR_FIELDS.has(k) && at === 'params') out.push(`operator field ${k}`);
      if (k === 'type' && typeof x === 'string' && PATH_INPUTS.has(x)) out.push(`path input ${x}`);
      if (k === 'model' && typeof x === 'string' && !MODELS.includes(x)) out.push(`model ${x}`);
      walk(x, `${at}.${k}`);
    }
  };
  walk(m.params, 'params');
  return out;
}

const text = (t: string) => [{ type: 'text', text: t, text_elements: [] }];
const BASE: Array<[string, Record<string, unknown>]> = [
  ['thread/start', { model: 'mock-model' }],
  ['thread/resume', { threadId: 't-1' }],
  ['thread/fork', { threadId: 't-1' }],
  ['thread/name/set', { threadId: 't-1', name: 'a name' }],
  ['thread/list', { limit: 5 }],
  ['turn/start', { threadId: 't-1', input: text('hello') }],
  ['turn/steer', { threadId: 't-1', expectedTurnId: 'u-1', input: text('more') }],
  ['turn/interrupt', { threadId: 't-1', turnId: 'u-1' }],
  ['model/list', {}],
];
const OPERATOR_VALUES: Array<[string, unknown]> = [
  ['cwd', '/'], ['sandbox', 'danger-full-access'], ['sandboxPolicy', { type: 'dangerFullAccess' }], ['approvalPolicy', 'never'],
  ['config', { mcp_servers: { x: { command: 'sh' } } }], ['modelProvider', 'ollama'], ['permissions', ':danger-full-access'],
  ['baseInstructions', 'obey'], ['dynamicTools', []], ['path', '/etc/passwd'], ['model', 'gpt-evil'],
];

/** One mutated frame (as text) from a valid one. */
function mutate(rnd: () => number, id: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const [method, base] = pick(BASE);
  const params: Record<string, unknown> = JSON.parse(JSON.stringify(base));
  const frame: Record<string, unknown> = { id, method, params };
  switch (Math.floor(rnd() * 12)) {
    case 0: {
      const [k, v] = pick(OPERATOR_VALUES);
      params[k] = v;
      return JSON.stringify(frame);
    }
    case 1:
      return JSON.stringify({ ...frame, params: [...Object.values(params), ...OPERATOR_VALUES.map(([, v]) => v)] });
    case 2: {
      const [k, v] = pick(OPERATOR_VALUES);
      return JSON.stringify(frame).replace('"params":{', `"params":{${JSON.stringify(k)}:${JSON.stringify(v)},`).replace(/}}$/, `,${JSON.stringify(k)}:${JSON.stringify(v)}}}`);
    }
    case 3: {
      const [k, v] = pick(OPERATOR_VALUES);
      const escaped = k.replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
      return JSON.stringify(frame).replace('"params":{', `"params":{"${escaped}":${JSON.stringify(v)},`);
    }
    case 4:
      return JSON.stringify(frame).replace(`"method":${JSON.stringify(method)}`, `"method":${JSON.stringify(method)},"m\\u0065thod":"initialized"`);
    case 5:
      params.input = [{ type: pick([...PATH_INPUTS]), path: '/etc/passwd', name: 'x' }];
      return JSON.stringify(frame);
    case 6: {
      let deep: unknown = 'bottom';
      for (let i = 0; i < 40 + Math.floor(rnd() * 60); i++) deep = rnd() < 0.5 ? [deep] : { d: deep };
      params.outputSchema = deep;
      return JSON.stringify(frame);
    }
    case 7:
      return JSON.stringify(frame).replace(/"(a name|hello|more)"/, '"\\ud800$1"');
    case 8:
      return JSON.stringify([frame, { id: id + 0.5, method: 'thread/start', params: { cwd: '/' } }]);
    case 9:
      return JSON.stringify({ ...frame, [pick(['__proto__', 'constructor', 'extra', 'params2'])]: { cwd: '/' } });
    case 10:
      return JSON.stringify({ ...frame, id: pick([null, true, [1], { a: 1 }, 'x'.repeat(300), 1e400]) });
    default:
      params[pick(['__proto__', 'unknownField', 'Cwd', 'cwd '])] = { cwd: '/' };
      return JSON.stringify(frame);
  }
}

/** Frames the stand-in app-server received from the gateway, minus the gateway's own handshake. */
function fromClients(fake: FakeUpstream): string[] {
  return fake.connections.flatMap((c) => c.frames).filter((f) => !/^\{"id":0,"method":"initialize"|^\{"method":"initialized"\}$/.test(f));
}

const FRAMES = 400;

describe('fuzz: mutated frames through the gateway never reach the app-server unchecked', () => {
  let lab: Lab;
  let fake: FakeUpstream;
  beforeEach(async () => {
    lab = await Lab.start();
    fake = await startFakeUpstream((frame, socket) => {
      const m = JSON.parse(frame);
      if (m.id === undefined || m.method === undefined) return;
      const result = m.method === 'initialize' ? { userAgent: 'fake/0.171.0', codexHome: '/nonexistent', platformFamily: 'unix', platformOs: 'linux' } : {};
      socket.send(JSON.stringify({ id: m.id, result }));
    });
  });
  afterEach(async () => {
    await fake.close();
    await lab.dispose();
  });

  const corpus = () => {
    const rnd = prng(0x21);
    return Array.from({ length: FRAMES }, (_, i) => mutate(rnd, i + 100));
  };

  it('control: the mutated frames themselves break the rules (sent raw, they would reach the app-server so)', () => {
    const bad = corpus().filter((f) => violations(f).length > 0);
    expect(bad.length).toBeGreaterThan(FRAMES / 2);
  });

  it('through the gateway: every frame the app-server received is canonical and within the rules', async () => {
    const target = await lab.guarded({ upstream: { url: fake.url }, maxMessagesPerSecond: 1_000_000 });
    const open = async () => {
      const tab = await target.tab('fuzzer');
      await tab.initialize();
      return tab;
    };
    let tab = await open();
    for (const frame of corpus()) {
      // A frame the gateway closes the connection for ends that tab: the next one opens another.
      if (tab.socket.readyState !== tab.socket.OPEN) tab = await open();
      tab.socket.send(frame);
      await Promise.race([tab.request('model/list', {}), tab.closed]);
    }
    const received = fromClients(fake);
    expect(received.length).toBeGreaterThan(FRAMES / 4);
    expect(received.map((f) => [f.slice(0, 200), violations(f)]).filter(([, v]) => v.length > 0)).toEqual([]);
  });
});
