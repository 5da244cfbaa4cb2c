import type { ValidateFunction } from 'ajv';
import type { ValidationIssue } from '../errors.js';
import type { InitializeResponse } from '../protocol/generated/InitializeResponse.js';
import { CLIENT_PARAMS_SCHEMA_TEXT, OPTIONAL_PARAMS_METHODS } from '../protocol/params-definitions.generated.js';
import { PROTOCOL_VERSION } from '../protocol/tables.generated.js';
import { CLIENT_PARAMS_DEFINITIONS, UNSCHEMATIZED_CLIENT_METHODS } from '../protocol/validation-tables.generated.js';
import * as VALIDATORS from '../protocol/validators.generated.js';
import { serverAge, serverVersion } from '../protocol/server-version.js';
import { didYouMean } from './did-you-mean.js';
import { issuesOf } from './explain.js';

/** What the connection knows when it checks a request (see ParamsCheckContext in lib/rpc). */
export interface RequestCheckContext {
  /** The server's `initialize` answer; undefined before the handshake. */
  readonly server: Pick<InitializeResponse, 'userAgent'> | undefined;
  /** Reports a notice on `warnings$`. */
  warn(kind: 'unknown-method', message: string, detail?: unknown): void;
}

/**
 * Checks the params of a client request against the JSON Schema the pinned codex binary
 * generated (`ClientRequest.json`), before anything is sent, with validators compiled ahead of
 * time (`npm run generate`: ajv standalone code, no `new Function` at runtime). Returns the issues — each a JSON
 * path like `input[0].type` and a message like `must be one of text, image, …` — or undefined
 * when the params conform. Never throws. A method the protocol does not know is refused, with
 * the closest known names; pass `server` (the `initialize` answer) of a server newer than the
 * protocol and it passes unchecked instead (see {@link checkRequest}).
 */
export function validateParams(method: string, params: unknown, server?: Pick<InitializeResponse, 'userAgent'>): ValidationIssue[] | undefined {
  if (!isKnownMethod(method)) return serverAge(server?.userAgent) === 'newer' ? undefined : unknownMethod(method, server);
  if (!hasSchema(method)) return undefined; // typed, but the binary's JSON Schema leaves it out
  try {
    const definition = CLIENT_PARAMS_DEFINITIONS[method];
    if (params === undefined || params === null) {
      // Omitted params are fine for methods without params and for optional ones.
      if (definition === null || OPTIONAL_PARAMS_METHODS.includes(method)) return undefined;
    } else if (definition === null) {
      return [{ path: '', message: `must be omitted: ${method} takes no params` }];
    }
    if (definition === null) return undefined;
    const validate = (VALIDATORS as unknown as Record<string, ValidateFunction | undefined>)[definition];
    if (!validate) return [{ path: '', message: `could not be validated: no validator for ${definition}` }];
    if (validate(params)) return undefined;
    return issuesOf(validate, { $ref: `#/definitions/${definition}`, definitions: paramsDefinitions() }, params);
  } catch (e) {
    return [{ path: '', message: `could not be validated: ${(e as Error)?.message ?? String(e)}` }];
  }
}

/**
 * The connection's check before sending (CodexConfig.validate): validateParams, plus the server
 * version rule for methods the pinned protocol does not know. Such a method waits for the
 * handshake (`'after-handshake'`); a server newer than PROTOCOL_VERSION then gets it unvalidated,
 * with one `unknown-method` warning per method and connection; any other server never sees it.
 */
export function checkRequest(method: string, params: unknown, context: RequestCheckContext): ValidationIssue[] | undefined | 'after-handshake' {
  if (isKnownMethod(method)) return validateParams(method, params);
  if (context.server === undefined) return 'after-handshake';
  const issues = validateParams(method, params, context.server);
  if (issues === undefined) {
    const warned = (warnedMethods.get(context) ?? warnedMethods.set(context, new Set()).get(context))!;
    if (!warned.has(method)) {
      warned.add(method);
      context.warn(
        'unknown-method',
        `${method} is not in the protocol codex-rx was generated from (codex ${PROTOCOL_VERSION}); codex ${serverVersion(context.server.userAgent)} is newer, so it was sent without validating its params`,
        { method },
      );
    }
  }
  return issues;
}

// Per connection (its context object), so each Codex warns once per method.
const warnedMethods = new WeakMap<object, Set<string>>();

/** True for every method of the pinned protocol (schema or typed-only legacy ones). */
export function isKnownMethod(method: string): boolean {
  return hasSchema(method) || UNSCHEMATIZED_CLIENT_METHODS.includes(method);
}

function hasSchema(method: string): boolean {
  return Object.prototype.hasOwnProperty.call(CLIENT_PARAMS_DEFINITIONS, method);
}

function unknownMethod(method: string, server: Pick<InitializeResponse, 'userAgent'> | undefined): ValidationIssue[] {
  const close = didYouMean(method, [...Object.keys(CLIENT_PARAMS_DEFINITIONS), ...UNSCHEMATIZED_CLIENT_METHODS]);
  const version = serverVersion(server?.userAgent);
  const why = server === undefined ? '' : version === undefined ? '; the server did not say its version, so it is not known to be newer' : `; the server (codex ${version}) is not newer`;
  const hint = close.length > 0 ? `. Did you mean ${close.map((m) => JSON.stringify(m)).join(' or ')}?` : '';
  return [{ path: '', message: `${JSON.stringify(method)} is not part of the app-server protocol (codex ${PROTOCOL_VERSION})${why}${hint}` }];
}

let definitions: Record<string, unknown> | undefined;

/** The params definitions, parsed on the first failure (the valid path never needs them). */
function paramsDefinitions(): Record<string, unknown> {
  return (definitions ??= (JSON.parse(CLIENT_PARAMS_SCHEMA_TEXT) as { definitions: Record<string, unknown> }).definitions);
}
