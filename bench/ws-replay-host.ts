/**
 * The frame source of bench row 9, in its own process (so that the bench process's CPU time is
 * the client's alone): a `ws` server on 127.0.0.1, port 0, replaying the recorded transcript
 * (bench/fixtures/turn-100k-deltas.jsonl.gz), one text frame per line. It answers by request id,
 * as recorded: id 1 (initialize) → the lines through its answer; id 2 (thread/start) → the lines
 * through its answer; id 3 (turn/start) → every remaining line. Prints `URL=<ws url>`; exits when
 * stdin ends.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { WebSocketServer } from 'ws';
import { DEFAULT_TRANSCRIPT } from './fixtures.js';

const lines = gunzipSync(readFileSync(process.env.WS_REPLAY_FILE ?? DEFAULT_TRANSCRIPT)).toString('utf8').split('\n').filter((l) => l !== '');
const segments = new Map<number, string[]>();
let from = 0;
for (let i = 0; i < lines.length; i++) {
  const id = JSON.parse(lines[i]).id;
  if ((id === 1 || id === 2) && !segments.has(id)) {
    segments.set(id, lines.slice(from, i + 1));
    from = i + 1;
  }
}
segments.set(3, lines.slice(from));

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('connection', (socket) => {
  socket.on('message', (data) => {
    const id = JSON.parse(data.toString()).id;
    for (const line of segments.get(id) ?? []) socket.send(line);
  });
});
server.on('listening', () => {
  const address = server.address();
  if (typeof address === 'object' && address) console.log(`URL=ws://127.0.0.1:${address.port}`);
});
process.stdin.resume();
process.stdin.once('end', () => server.close(() => process.exit(0)));
