/** Shared by the Connection specs: a Connection over a fresh InMemoryTransport, its warnings collected. */
import { Connection, type ConnectionOptions, type ProtocolWarning } from '../../lib/rpc/connection.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';

export const clientInfo = { name: 'codex-rx-spec', title: 'codex-rx spec', version: '0.0.0' };

/** A Connection (nothing started yet) over a new InMemoryTransport; `warnings` fills as they come. */
export function setup(options: Partial<ConnectionOptions> = {}, transportOptions?: ConstructorParameters<typeof InMemoryTransport>[0]) {
  const transport = new InMemoryTransport(transportOptions);
  const connection = new Connection(transport, { clientInfo, ...options });
  const warnings: ProtocolWarning[] = [];
  connection.warnings$.subscribe((w) => warnings.push(w));
  return { transport, connection, warnings };
}
