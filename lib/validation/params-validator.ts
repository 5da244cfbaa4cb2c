import type { ValidationIssue } from '../errors.js';
import { CLIENT_REQUEST_SCHEMA } from '../protocol/schema-text.generated.js';
import { CLIENT_PARAMS_DEFINITIONS, PROTOCOL_VERSION } from '../protocol/tables.generated.js';
import { ProtocolSchema } from './protocol-schemas.js';

/**
 * Checks the params of a client request against the JSON Schema the pinned codex binary
 * generated (`ClientRequest.json`), before anything is sent. Returns the issues — each a JSON
 * path like `input[0].type` and a message like `must be one of text, image, …` — or undefined
 * when the params conform. Never throws. The schema is parsed on the first call and each
 * method's validator compiled on its first use, then cached.
 */
export function validateParams(method: string, params: unknown): ValidationIssue[] | undefined {
  if (!Object.prototype.hasOwnProperty.call(CLIENT_PARAMS_DEFINITIONS, method)) {
    return [{ path: '', message: `${JSON.stringify(method)} is not part of the app-server protocol (codex ${PROTOCOL_VERSION})` }];
  }
  try {
    const definition = CLIENT_PARAMS_DEFINITIONS[method];
    if (params === undefined || params === null) {
      // Omitted params are fine for methods without params and for optional ones.
      if (definition === null || clientRequests.paramsOf(method)?.optional) return undefined;
    } else if (definition === null) {
      return [{ path: '', message: `must be omitted: ${method} takes no params` }];
    }
    if (definition === null) return undefined;
    return clientRequests.check(definition, params);
  } catch (e) {
    return [{ path: '', message: `could not be validated: ${(e as Error)?.message ?? String(e)}` }];
  }
}

const clientRequests = new ProtocolSchema(CLIENT_REQUEST_SCHEMA);
