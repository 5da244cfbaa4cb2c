import type { Observable } from 'rxjs';
import { Connection } from '../../lib/rpc/connection.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import type { ClientRequest } from '../../lib/protocol/generated/ClientRequest.js';
import type { ServerNotification } from '../../lib/protocol/generated/ServerNotification.js';
import type { ServerRequest } from '../../lib/protocol/generated/ServerRequest.js';
import type { InitializeResponse } from '../../lib/protocol/generated/InitializeResponse.js';
import type { LogoutAccountResponse } from '../../lib/protocol/generated/v2/LogoutAccountResponse.js';
import type { ThreadStartParams } from '../../lib/protocol/generated/v2/ThreadStartParams.js';
import type { ThreadStartResponse } from '../../lib/protocol/generated/v2/ThreadStartResponse.js';
import type { TurnStartParams } from '../../lib/protocol/generated/v2/TurnStartParams.js';
import type { TurnStartResponse } from '../../lib/protocol/generated/v2/TurnStartResponse.js';
import type { TurnCompletedNotification } from '../../lib/protocol/generated/v2/TurnCompletedNotification.js';
import type { CommandExecutionRequestApprovalParams } from '../../lib/protocol/generated/v2/CommandExecutionRequestApprovalParams.js';
import type { CommandExecutionRequestApprovalResponse } from '../../lib/protocol/generated/v2/CommandExecutionRequestApprovalResponse.js';
import type {
  ClientMethod,
  ClientResultMap,
  MethodWithoutParams,
  Notification,
  NotificationMethod,
  NotificationParams,
  ParamsOf,
  ResultOf,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResult,
  ServerRequestResultMap,
} from '../../lib/protocol/methods.js';
import { NOTIFICATION_METHODS, SERVER_REQUEST_METHODS } from '../support/protocol-methods.js';
import { CLIENT_PARAMS_DEFINITIONS } from '../../lib/protocol/validation-tables.generated.js';
import { assertType, expectType, type Equals, type Not } from '../support/type-assert.js';
import { clientInfo } from '../rpc/support.js';


// Most of this file is checked by the compiler: ts-jest type-checks specs, so a wrong type fails
// the run. The runtime assertions keep jest honest about the file having run.

describe('type-assert helpers', () => {
  it('tell equal types from different ones', () => {
    assertType<Equals<{ a: 1 }, { a: 1 }>>();
    assertType<Not<Equals<{ a: 1 }, { a: 1; b?: 2 }>>>();
    assertType<Not<Equals<string, any>>>();
    assertType<Not<Equals<'a' | 'b', 'a'>>>();
    // @ts-expect-error a false assertion does not compile
    assertType<Equals<string, number>>();
    // @ts-expect-error a value of another type does not compile
    expectType<string>()(42);
    expect(true).toBe(true);
  });
});

describe('protocol method types', () => {
  const connection = new Connection(new InMemoryTransport(), { clientInfo });

  it("request('thread/start', …) takes ThreadStartParams and yields ThreadStartResponse", () => {
    const started = connection.request('thread/start', { cwd: '/tmp', model: 'mock-model' });
    expectType<Observable<ThreadStartResponse>>()(started);
    type Params = Parameters<typeof connection.request<'thread/start'>>[1];
    assertType<Equals<Params, ThreadStartParams>>();
    assertType<Equals<ParamsOf<'thread/start'>, ThreadStartParams>>();
    assertType<Equals<ResultOf<'thread/start'>, ThreadStartResponse>>();
    // Cold: building the request sent nothing and started nothing.
    expect(connection.state).toBe('idle');
  });

  it("request('turn/start', …) is typed the same way", () => {
    type Params = Parameters<typeof connection.request<'turn/start'>>[1];
    assertType<Equals<Params, TurnStartParams>>();
    expectType<Observable<TurnStartResponse>>()(connection.request('turn/start', { threadId: 't', input: [] }));
  });

  it('initialize yields InitializeResponse', () => {
    assertType<Equals<ResultOf<'initialize'>, InitializeResponse>>();
    expectType<Observable<InitializeResponse>>()(connection.connect());
  });

  it("ResultOf<'account/logout'> is LogoutAccountResponse and it takes no params", () => {
    assertType<Equals<ResultOf<'account/logout'>, LogoutAccountResponse>>();
    assertType<Equals<ParamsOf<'account/logout'>, undefined>>();
    assertType<Equals<Extract<MethodWithoutParams, 'account/logout'>, 'account/logout'>>();
    assertType<Equals<Extract<MethodWithoutParams, 'thread/start'>, never>>();
    expectType<Observable<LogoutAccountResponse>>()(connection.request('account/logout', undefined));
  });

  it('every key of ClientResultMap is a ClientMethod', () => {
    // The converse (every ClientMethod has a result) is spec/protocol/client-result-map.spec.ts.
    assertType<Equals<Exclude<keyof ClientResultMap, ClientMethod>, never>>();
    assertType<Equals<ClientMethod, ClientRequest['method']>>();
    expect(Object.keys(CLIENT_PARAMS_DEFINITIONS)).toContain('thread/start');
    expect(CLIENT_PARAMS_DEFINITIONS['account/logout']).toBeNull();
  });

  it('ServerRequestResultMap has exactly one key per server request method', () => {
    assertType<Equals<keyof ServerRequestResultMap, ServerRequestMethod>>();
    assertType<Equals<ServerRequestMethod, ServerRequest['method']>>();
    assertType<Equals<ServerRequestParams<'item/commandExecution/requestApproval'>, CommandExecutionRequestApprovalParams>>();
    assertType<Equals<ServerRequestResult<'item/commandExecution/requestApproval'>, CommandExecutionRequestApprovalResponse>>();
    expect(SERVER_REQUEST_METHODS).toContain('item/commandExecution/requestApproval');
  });

  it('notifications narrow by method', () => {
    assertType<Equals<NotificationMethod, ServerNotification['method']>>();
    assertType<Equals<NotificationParams<'turn/completed'>, TurnCompletedNotification>>();
    assertType<Equals<Notification<'turn/completed'>['method'], 'turn/completed'>>();
    expect(NOTIFICATION_METHODS).toContain('turn/completed');
  });

  it('ResultOf of a method that does not exist is never', () => {
    // @ts-expect-error not a client method
    type Bad = ResultOf<'thread/nope'>;
    assertType<Equals<Bad, never>>();
    expect(true).toBe(true);
  });
});
