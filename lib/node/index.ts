// codex-rx for Node.js: everything of the browser-safe main entry, plus what needs Node
// (spawning the binary). `codex-rx` resolves here under the `node` export condition, and
// `codex-rx/node` always does. Loading it installs the Node platform, so `new Codex()` spawns.
import { installPlatform } from '../platform.js';
import { NODE_PLATFORM } from './platform.js';

installPlatform(NODE_PLATFORM);

export * from '../index.js';

// Spawning the app-server
export { StdioTransport, type StdioTransportOptions } from '../transport/stdio-transport.js';
export { resolveCodexBinary, type ResolvedBinary } from '../transport/stdio-binary.js';
export { signBearerToken } from './signed-bearer-token.js';

// A listening app-server several clients share
export { startAppServer, type RunningAppServer, type StartAppServerOptions } from './start-app-server.js';
