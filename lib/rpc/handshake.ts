import { AsyncSubject, take, type Observable } from 'rxjs';
import type { CodexError } from '../errors.js';
import type { InitializeParams } from '../protocol/generated/InitializeParams.js';
import type { InitializeResponse } from '../protocol/generated/InitializeResponse.js';
import type { ConnectionOptions } from './connection-types.js';

/** What the handshake needs from its connection. */
export interface HandshakeHost {
  /** Sends a request and emits its answer (the connection's pending requests). */
  request(method: string, params: unknown): Observable<unknown>;
  /** Sends the `initialized` notification that completes the handshake on the wire. */
  confirm(): void;
  /** The server passed: the connection becomes ready, before anyone waiting on `ready` hears of it. */
  opened(response: InitializeResponse): void;
  /** Everyone waiting on `ready` went on (their requests are written). */
  announced(): void;
  /** The handshake failed; `rejected` when the server answered but was refused (the transport must then be closed). */
  failed(error: CodexError, rejected: boolean): void;
}

/** The `initialize` params: who we are, and capabilities merged over the ones codex-rx relies on. */
export function initializeParams(options: Pick<ConnectionOptions, 'clientInfo' | 'capabilities'>): InitializeParams {
  // The turn API uses experimental methods and fields; codex-rx does not answer attestation/generate requests.
  return { clientInfo: options.clientInfo, capabilities: { experimentalApi: true, requestAttestation: false, ...options.capabilities } };
}

/**
 * One connection attempt's handshake: `initialize`, vetted by `checkInitialize`, then
 * `initialized`. Every caller of that attempt waits on `ready`; a new attempt (reconnect) gets a
 * new Handshake, so a dead attempt's answer is never replayed.
 */
export class Handshake {
  /** Emits the server's `initialize` answer once the connection is ready, then completes; errors if the attempt fails. */
  readonly ready = new AsyncSubject<InitializeResponse>();
  private answer?: InitializeResponse;

  /** The `initialize` answer, once accepted. */
  get response(): InitializeResponse | undefined {
    return this.answer;
  }

  /** Sends `initialize` and settles `ready` through the host's hooks. */
  run(host: HandshakeHost, options: ConnectionOptions): void {
    host
      .request('initialize', initializeParams(options))
      .pipe(take(1))
      .subscribe({
        next: (result) => {
          const response = result as InitializeResponse;
          try {
            options.checkInitialize?.(response);
            host.confirm();
          } catch (e) {
            host.failed(e as CodexError, true);
            return;
          }
          this.answer = response;
          host.opened(response);
          this.ready.next(response);
          this.ready.complete();
          host.announced();
        },
        error: (e) => host.failed(e as CodexError, false),
      });
  }

  /** Errors everyone waiting on this attempt (no-op once it settled). */
  fail(error: CodexError): void {
    if (!this.ready.closed && !this.ready.isStopped) this.ready.error(error);
  }
}
