/**
 * Shared by the stream marble specs: a connected Codex over the in-memory app-server, a `serve`
 * that plays a script marble (letters deliver notifications, functions act), and `sent$`, one
 * letter per message the client wrote.
 */
import { filter, map, type Observable } from 'rxjs';
import type { Connection, ProtocolWarning } from '../../lib/rpc/connection.js';
import { toBase64 } from '../../lib/streams/output-chunk.js';
import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated.js';
import type { ThreadStatus } from '../../lib/protocol/generated/v2/ThreadStatus.js';
import { FAKE_INITIALIZE_RESPONSE, InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { createClient } from '../support/hand-server.js';
import { testScheduler } from '../support/expectations.js';
import type { ClientBench } from '../support/thread-bench.js';

/** A ClientBench (spec/support/thread-bench.ts) whose `sent$` keeps only the methods a spec names. */
export interface StreamBench extends Omit<ClientBench, 'sent$'> {
  /** The client's connection (test-only access), for building streams directly. */
  connection: Connection;
  warnings: ProtocolWarning[];
  /** The methods the client writes from now on, those among `letters`' values only (expect them with `toBe(marble, letters)`). */
  sent$(letters: Record<string, string>): Observable<string>;
}

/**
 * For each test of the calling describe: a fresh `streamBench()` in the returned object, then
 * `setup()` (answers the spec installs, say); closed after the test.
 */
export function eachStreamBench(setup: () => void = () => undefined): StreamBench {
  const b = {} as StreamBench;
  beforeEach(() => {
    Object.assign(b, streamBench());
    setup();
  });
  afterEach(async () => {
    await b.codex.close();
  });
  return b;
}

/** A connected client (the handshake is done) and a TestScheduler. */
export function streamBench(): StreamBench {
  const scheduler = testScheduler();
  // The server is as new as the protocol we were generated from (the stock fake may lag behind the pin).
  const initializeResponse = { ...FAKE_INITIALIZE_RESPONSE, userAgent: `codex_cli_rs/${PROTOCOL_VERSION} (in-memory) codex-rx` };
  const { codex, transport, server } = createClient({}, new InMemoryTransport({ initializeResponse }));
  codex.connect().subscribe();
  transport.clearSent();
  const warnings: ProtocolWarning[] = [];
  codex.warnings$.subscribe((w) => warnings.push(w));
  return {
    scheduler,
    codex,
    connection: (codex as unknown as { connection: Connection }).connection,
    transport,
    server,
    warnings,
    serve(hot, marble, steps) {
      hot(marble, steps).subscribe((step) => (typeof step === 'function' ? step() : server.emit(step)));
    },
    sent$(letters) {
      const methods = new Set(Object.values(letters));
      return transport.sent$.pipe(
        map((m) => m.method ?? 'answer'),
        filter((method) => methods.has(method)),
      );
    },
  };
}

/** Base64 of UTF-8 text, as the wire carries output. */
export const b64 = (text: string) => toBase64(text);

/** The bytes of UTF-8 text. */
export const bytes = (text: string) => new TextEncoder().encode(text);

/** A thread's status when no turn runs (for `threadStatusChanged` and expectations). */
export const IDLE: ThreadStatus = { type: 'idle' };
/** A thread's status while a turn runs and waits for nothing. */
export const ACTIVE: ThreadStatus = { type: 'active', activeFlags: [] };
