import { from, switchMap, type Observable } from 'rxjs';
import type { CodexError, ValidationIssue } from '../errors.js';
import { OnFirstUse } from '../on-first-use.js';
import type { outputSchemaIssues, parseStructuredOutput } from '../structured-output.js';
import type { InboundKind } from './inbound-validator.js';
import type { RequestCheckContext } from './params-validator.js';

// Why this file: the params validators (ajv standalone code, ~620 KiB minified), the inbound
// validator (ajv + the server schemas' text), the structured-output check (ajv's compiler) and
// the answering of server requests (with its pre-compiled answer checks) are most of the
// package's size. The client reaches them only through the `import()`s below,
// so a bundler (esbuild, Angular, Vite, webpack) puts them in chunks of their own that a browser
// fetches on first use, not with the page. A host that loads them with its entry (Node: the
// platform, lib/node/platform.ts) hands them to its clients, whose checks are then synchronous
// from the start; otherwise only the checks made while a chunk loads wait for it. Keep these modules out of the static imports
// of lib/index.ts: esbuild puts every statically imported file that is live anywhere (and these
// are, through the import()s) into the first load.

/** The params check of `CodexConfig.validate`, once loaded (lib/validation/params-validator.ts). */
export type RequestCheck = (method: string, params: unknown, context: RequestCheckContext) => ValidationIssue[] | undefined | 'after-handshake';

/** The inbound check of `CodexConfig.validateInbound`, once loaded (lib/validation/inbound-validator.ts). */
export type InboundCheck = (kind: InboundKind, method: string, params: unknown) => ValidationIssue[] | undefined;

/** The structured-output check of `thread.run(input, { outputSchema })`, once loaded (lib/structured-output.ts). */
export interface StructuredOutputCheck {
  readonly outputSchemaIssues: typeof outputSchemaIssues;
  readonly parseStructuredOutput: typeof parseStructuredOutput;
}

/** Answering a server request (its handlers, checks, dialog and safe default), once loaded (lib/approvals/answering.ts). */
export type AnswerServerRequest = typeof import('../approvals/answering.js').answerServerRequest;

/** Every check, as a host or a test kit that loads them up front hands them over. */
export interface Validators {
  readonly checkRequest: RequestCheck;
  readonly validateInbound: InboundCheck;
  readonly structuredOutput: StructuredOutputCheck;
  readonly answerServerRequest: AnswerServerRequest;
}

// The import() specifiers must stay literal: that is what bundlers split on.
const paramsValidators = new OnFirstUse<RequestCheck>('params validators', () => import('./params-validator.js').then((m) => m.checkRequest));
const inboundValidators = new OnFirstUse<InboundCheck>('inbound validators', () => import('./inbound-validator.js').then((m) => m.validateInbound));
const structuredOutput = new OnFirstUse<StructuredOutputCheck>('structured-output validator', () => import('../structured-output.js'));
const answering = new OnFirstUse<AnswerServerRequest>('server-request answering', () => import('../approvals/answering.js').then((m) => m.answerServerRequest));

/**
 * Loads every validator chunk now (what a page's first uses would do), so that clients without
 * validators of their own check synchronously from then on. This sets nothing: it only warms the
 * module cache. For test set-ups (spec/support); a host hands its clients validators instead.
 */
export async function loadValidators(): Promise<void> {
  await Promise.all([paramsValidators.get(), inboundValidators.get(), structuredOutput.get(), answering.get()]);
}

/**
 * One client's checks: the validators its host handed over (the Node platform, the testing kit),
 * else the ones loaded on first use (each chunk once per page). Nothing here is shared state
 * beyond the module cache of those chunks.
 */
export class ClientValidators {
  constructor(private readonly given?: Validators) {}

  /**
   * The connection's params check (`validateParams` of lib/rpc): synchronous once the validators
   * are here; before that, a Promise of the same answer (the connection then waits for it before
   * sending, keeping requests in subscription order). A failed load rejects with a CodexError.
   */
  readonly checkRequest = (
    method: string,
    params: unknown,
    context: RequestCheckContext,
  ): ValidationIssue[] | undefined | 'after-handshake' | Promise<ValidationIssue[] | undefined | 'after-handshake'> => {
    const check = this.given?.checkRequest ?? paramsValidators.now;
    if (check) return check(method, params, context);
    return paramsValidators.get().then((loaded) => loaded(method, params, context));
  };

  /**
   * The connection's inbound check (`validateInbound` of lib/rpc): synchronous once loaded; before
   * that a Promise (its `schema-drift` warning comes when the chunk is here).
   */
  readonly validateInbound = (kind: InboundKind, method: string, params: unknown): ValidationIssue[] | undefined | Promise<ValidationIssue[] | undefined> => {
    const check = this.given?.validateInbound ?? inboundValidators.now;
    if (check) return check(kind, method, params);
    return inboundValidators.get().then((loaded) => loaded(kind, method, params));
  };

  /** Starts fetching the inbound validators now (a client that opted into them will need them at its first message). */
  preloadInbound(): void {
    if (this.given === undefined && inboundValidators.now === undefined) inboundValidators.get().catch(() => undefined); // reported by the first check
  }

  /**
   * `use(check)` with the structured-output check: at once when it is here, else once its chunk
   * loaded (a failed load errors the Observable with a CodexError; nothing is sent).
   */
  withStructuredOutput<T>(use: (check: StructuredOutputCheck) => Observable<T>): Observable<T> {
    return structuredOutput.use(this.given?.structuredOutput, use);
  }

  /**
   * `use(answer)` with the answering of server requests: at once when it is here, else once its
   * chunk loaded; `failed(error)` when the chunk could not load (a CodexError saying so).
   */
  withAnswering<T>(use: (answer: AnswerServerRequest) => Observable<T>, failed: (error: CodexError) => Observable<T>): Observable<T> {
    const answer = this.given?.answerServerRequest ?? answering.now;
    if (answer) return use(answer);
    return from(answering.get().then((loaded) => () => use(loaded), (e: CodexError) => () => failed(e))).pipe(switchMap((next) => next()));
  }
}
