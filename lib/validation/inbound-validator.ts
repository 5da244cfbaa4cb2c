import type { ValidationIssue } from '../errors.js';
import { SERVER_NOTIFICATION_SCHEMA, SERVER_REQUEST_SCHEMA } from '../protocol/schema-text.generated.js';
import { PROTOCOL_VERSION } from '../protocol/tables.generated.js';
import { ProtocolSchema } from './protocol-schemas.js';

/** What arrived from the server: a notification or a server→client request. */
export type InboundKind = 'notification' | 'request';

/**
 * Checks a message the server sent against the pinned binary's schema — to spot drift between
 * the binary and the generated types while debugging (`CodexConfig.validateInbound`). Returns
 * the issues, or undefined when the message conforms. Never throws.
 */
export function validateInbound(kind: InboundKind, method: string, params: unknown): ValidationIssue[] | undefined {
  const schema = kind === 'notification' ? notifications : requests;
  try {
    const entry = schema.paramsOf(method);
    if (!entry) return [{ path: '', message: `${JSON.stringify(method)} is not a ${kind} of the app-server protocol (codex ${PROTOCOL_VERSION})` }];
    if (entry.definition === null || (entry.optional && (params === undefined || params === null))) {
      return entry.definition === null && params !== undefined && params !== null ? [{ path: '', message: `${method} carries no params` }] : undefined;
    }
    return schema.check(entry.definition, params);
  } catch (e) {
    return [{ path: '', message: `could not be validated: ${(e as Error)?.message ?? String(e)}` }];
  }
}

const notifications = new ProtocolSchema(SERVER_NOTIFICATION_SCHEMA);
const requests = new ProtocolSchema(SERVER_REQUEST_SCHEMA);
