import type { ClientRequest } from './generated/ClientRequest.js';
import type { ServerNotification } from './generated/ServerNotification.js';
import type { ServerRequest } from './generated/ServerRequest.js';
import type { ClientResultMap, ServerRequestResultMap } from './tables.generated.js';

/** Every client → server request method. */
export type ClientMethod = ClientRequest['method'];
/** Params of a client method (`undefined` for methods that take none). */
export type ParamsOf<M extends ClientMethod> = Extract<ClientRequest, { method: M }>['params'];
/** Result of a client method. */
export type ResultOf<M extends ClientMethod> = M extends keyof ClientResultMap ? ClientResultMap[M] : never;
/** Client methods whose params may be omitted. */
export type MethodWithoutParams = { [M in ClientMethod]: undefined extends ParamsOf<M> ? M : never }[ClientMethod];

/** Every server notification method. */
export type NotificationMethod = ServerNotification['method'];
/** A server notification, narrowed by method: `{ method, params }`. */
export type Notification<M extends NotificationMethod = NotificationMethod> = Extract<ServerNotification, { method: M }>;
/** Params of a server notification. */
export type NotificationParams<M extends NotificationMethod> = Notification<M>['params'];

/** Every server → client request method. */
export type ServerRequestMethod = ServerRequest['method'];
/** A server request, narrowed by method: `{ method, id, params }`. */
export type ServerRequestMessage<M extends ServerRequestMethod = ServerRequestMethod> = Extract<ServerRequest, { method: M }>;
/** Params of a server request. */
export type ServerRequestParams<M extends ServerRequestMethod> = ServerRequestMessage<M>['params'];
/** What the client answers a server request with. */
export type ServerRequestResult<M extends ServerRequestMethod> = M extends keyof ServerRequestResultMap ? ServerRequestResultMap[M] : never;

export type { ClientResultMap, ServerRequestResultMap };
