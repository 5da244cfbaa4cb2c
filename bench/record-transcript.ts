/**
 * Records the stdout of the real, pinned `codex app-server` for one turn whose (scripted) answer
 * streams 100,000 deltas, and stores it gzip-compressed as bench/fixtures/turn-100k-deltas.jsonl.gz.
 *
 *   npx tsx bench/record-transcript.ts [--deltas N] [--out FILE]
 *
 * The conversation is exactly what codex-rx sends for `threadStart()` then `run('hi')`:
 * initialize (id 1), initialized, thread/start (id 2), turn/start (id 3). So the recorded
 * response ids match the ids a fresh codex-rx client sends, and the transcript replays verbatim
 * through InMemoryTransport.write() (bench/pipeline.ts) without rewriting anything.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { resolveCodexBinary } from '../lib/transport/stdio-binary.js';
import { createCodexHome, message, ScriptedModelServer } from '../lib/testing/node/index.js';
import { DEFAULT_TRANSCRIPT, isMain } from './fixtures.js';

export const TRANSCRIPT_DELTAS = 100_000;

/** The deltas the scripted model streams: short, varied words. */
export function deltaTexts(n: number): string[] {
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = `w${i % 997} `;
  return out;
}

export async function recordTranscript(deltas = TRANSCRIPT_DELTAS, out = DEFAULT_TRANSCRIPT): Promise<{ bytes: number; gzBytes: number; lines: number; deltaLines: number }> {
  const chunks = deltaTexts(deltas);
  const model = await ScriptedModelServer.start({ steps: [message(chunks.join(''), { chunks })] });
  const home = await createCodexHome({ modelServerUrl: model.url });
  const bin = resolveCodexBinary();
  const env = { ...process.env, ...home.env, PATH: [bin.extraPath, process.env.PATH].filter(Boolean).join(path.delimiter) };
  const child = spawn(bin.path, ['app-server', '--listen', 'stdio://'], { cwd: home.workspace, env, stdio: ['pipe', 'pipe', 'ignore'] });
  const send = (m: object) => child.stdin.write(JSON.stringify(m) + '\n');
  const raw: Buffer[] = [];
  let text = '';
  let threadId: string | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`app-server exited (${code}) before the turn completed`)));
      child.stdout.on('data', (chunk: Buffer) => {
        raw.push(chunk);
        text += chunk.toString('utf8');
        let nl: number;
        while ((nl = text.indexOf('\n')) >= 0) {
          const line = text.slice(0, nl);
          text = text.slice(nl + 1);
          if (line.trim() === '') continue;
          const m = JSON.parse(line);
          if (m.id === 1 && m.result) {
            send({ method: 'initialized' });
            send({ id: 2, method: 'thread/start', params: {} });
          } else if (m.id === 2 && m.result) {
            threadId = m.result.thread.id;
            send({ id: 3, method: 'turn/start', params: { threadId, input: [{ type: 'text', text: 'hi', text_elements: [] }] } });
          } else if (m.id !== undefined && m.error) {
            reject(new Error(`request ${m.id} failed: ${m.error.message}`));
          } else if (m.method === 'turn/completed' && m.params.threadId === threadId) {
            resolve();
          }
        }
      });
      send({
        id: 1,
        method: 'initialize',
        params: { clientInfo: { name: 'codex_rx', title: 'codex-rx', version: '0.1.0' }, capabilities: { experimentalApi: true, requestAttestation: false } },
      });
    });
  } finally {
    child.kill('SIGTERM');
    await model.close();
    await home.dispose();
  }
  // Keep whole lines only: a line cut at the kill would be noise.
  let bytes = Buffer.concat(raw);
  bytes = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
  const lines = bytes.toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const deltaLines = lines.filter((l) => l.includes('"method":"item/agentMessage/delta"')).length;
  const gz = gzipSync(bytes, { level: 9 });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, gz);
  return { bytes: bytes.length, gzBytes: gz.length, lines: lines.length, deltaLines };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { deltas: { type: 'string' }, out: { type: 'string' } } });
  recordTranscript(values.deltas ? Number(values.deltas) : undefined, values.out ?? DEFAULT_TRANSCRIPT).then(
    (r) => console.log(`recorded ${r.lines} lines (${r.deltaLines} deltas), ${r.bytes} bytes, ${r.gzBytes} gzipped`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
