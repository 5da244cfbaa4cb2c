/**
 * The client as a page gets it: fresh modules, nothing preloaded (no platform hands over the
 * validators, the streams or the recorders), so what loads on first use really loads then.
 */
import type { Codex } from '../../lib/codex.js';
import type { CodexError, ValidationError } from '../../lib/errors.js';
import type { FakeAppServer } from '../../lib/testing/fake-app-server.js';
import type { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';

/** What a page imports (from the modules directly: lib/index also holds `validateParams`, which needs the validators). */
export interface PageLibrary {
  readonly Codex: typeof Codex;
  readonly InMemoryTransport: typeof InMemoryTransport;
  readonly CodexError: typeof CodexError;
  readonly ValidationError: typeof ValidationError;
  /** The testing kit (it imports the validators and the streams up front): only with `kit: true`. */
  readonly FakeAppServer?: typeof FakeAppServer;
}

/** A fresh copy of the client in a module registry of its own; `mock` runs first in it (a `jest.doMock` of a chunk, say). */
export function pageLibrary(options: { mock?: () => void; kit?: boolean } = {}): PageLibrary {
  let lib: PageLibrary | undefined;
  jest.isolateModules(() => {
    options.mock?.();
    const errors = require('../../lib/errors.js') as typeof import('../../lib/errors.js');
    lib = {
      Codex: (require('../../lib/codex.js') as typeof import('../../lib/codex.js')).Codex,
      InMemoryTransport: (require('../../lib/transport/in-memory-transport.js') as typeof import('../../lib/transport/in-memory-transport.js')).InMemoryTransport,
      CodexError: errors.CodexError,
      ValidationError: errors.ValidationError,
      FakeAppServer: options.kit ? (require('../../lib/testing/fake-app-server.js') as typeof import('../../lib/testing/fake-app-server.js')).FakeAppServer : undefined,
    };
  });
  return lib!;
}
