import { MalformedLine, type InboundMessage } from './transport.js';

/**
 * One JSON-RPC message from its text (a JSONL line or a WebSocket text frame): the parsed
 * value, or a {@link MalformedLine} the connection reports as a warning. Never throws.
 */
export function parseJsonMessage(text: string): InboundMessage {
  try {
    return JSON.parse(text);
  } catch (e) {
    return new MalformedLine(text, (e as Error).message);
  }
}
