/**
 * One short label per message an app-server sent, so specs can compare what a fake and the real
 * binary said as plain strings: `answer turn/interrupt`, `turn/completed interrupted`,
 * `item/started agentMessage`, `item/agentMessage/delta`, `item/commandExecution/requestApproval`,
 * `thread/status/changed active waitingOnApproval`.
 */
type WireMessage = { id?: unknown; method?: string; params?: any; result?: unknown; error?: { message?: string } };

/** The label of `message`; `answered` names the client request a response answers. */
export function wireLabel(message: object, answered?: string): string {
  const m = message as WireMessage;
  if (m.method === undefined) return `answer ${answered ?? '?'}${m.error !== undefined ? ` error: ${m.error.message}` : ''}`;
  if (m.method === 'turn/completed') return `turn/completed ${m.params?.turn?.status}`;
  if (m.method === 'item/started' || m.method === 'item/completed') return `${m.method} ${m.params?.item?.type}`;
  if (m.method === 'thread/status/changed') return `${m.method} ${[m.params?.status?.type, ...(m.params?.status?.activeFlags ?? [])].join(' ')}`;
  return m.method;
}
