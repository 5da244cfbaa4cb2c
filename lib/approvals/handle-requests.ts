import { ValidationError } from '../errors.js';
import type { ServerRequestMessage, ServerRequestMethod, ServerRequestParams, ServerRequestResult } from '../protocol/methods.js';
import type { ApprovalHandler, ApprovalHandlerResult, ServerRequestContext } from './approval-router.js';

/** What a per-method handler gets besides the params: thread, turn, abort signal and the whole request. */
export interface ServerRequestHandlerContext<M extends ServerRequestMethod = ServerRequestMethod> extends ServerRequestContext {
  readonly request: ServerRequestMessage<M>;
}

/**
 * One handler per server request method, each typed by its method: typed `params` in, the
 * method's result out (a value, a Promise or an Observable), or `undefined` to pass the request
 * to the next level. Methods left out pass too.
 */
export type ServerRequestHandlers = {
  readonly [M in ServerRequestMethod]?: (params: ServerRequestParams<M>, context: ServerRequestHandlerContext<M>) => ApprovalHandlerResult<ServerRequestResult<M>>;
};

/**
 * Builds an ApprovalHandler from one function per method, each fully typed.
 *
 * @example
 * new Codex({
 *   approvalHandler: handleRequests({
 *     'item/commandExecution/requestApproval': (p) => (p.command?.startsWith('npm test') ? Answers.accept() : undefined),
 *     'item/fileChange/requestApproval': () => Answers.decline(),
 *   }),
 * });
 */
export function handleRequests(handlers: ServerRequestHandlers): ApprovalHandler {
  if (handlers === null || typeof handlers !== 'object') {
    throw new ValidationError('handleRequests', [{ path: '', message: 'must be an object of handlers by method' }]);
  }
  const table = new Map<string, (params: unknown, context: ServerRequestHandlerContext) => ApprovalHandlerResult>();
  for (const [method, handler] of Object.entries(handlers)) {
    if (handler === undefined) continue;
    if (typeof handler !== 'function') throw new ValidationError('handleRequests', [{ path: method, message: 'must be a function' }]);
    table.set(method, handler as (params: unknown, context: ServerRequestHandlerContext) => ApprovalHandlerResult);
  }
  return (request, context) => table.get(request.method)?.(request.params, { ...context, request });
}
