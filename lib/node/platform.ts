import type { CodexPlatform } from '../platform.js';
import { StdioTransport } from '../transport/stdio-transport.js';

/** Node.js: `new Codex()` spawns the bundled `codex app-server` over stdio. */
export const NODE_PLATFORM: CodexPlatform = {
  name: 'node',
  localTransport: (options) => new StdioTransport(options),
};
