import { from, switchMap, type Observable } from 'rxjs';
import type { ValidationIssue } from '../errors.js';
import { OnFirstUse } from '../on-first-use.js';
import { describeError } from '../rpc/redaction.js';
import type { compileOutputSchema, parseStructuredOutput } from '../structured-output.js';
import type { InboundKind } from './inbound-validator.js';
import type { RequestCheckContext } from './params-validator.js';

// Why this file: the params validators (ajv standalone code, ~620 KiB minified), the inbound
// validator (ajv + the server schemas' text), the structured-output check (ajv's compiler) and
// the answer check of server requests (its pre-compiled checks and schema text) are most of the
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
  readonly compileOutputSchema: typeof compileOutputSchema;
  readonly parseStructuredOutput: typeof parseStructuredOutput;
}

/** The shape check of an answer to a server request, once loaded (lib/approvals/answer-check.ts); empty = fine. */
export type AnswerCheck = (method: string, result: unknown) => ValidationIssue[];

/** Every check, as a host or a test kit that loads them up front hands them over. */
export interface Validators {
  readonly checkRequest: RequestCheck;
  readonly validateInbound: InboundCheck;
  readonly structuredOutput: StructuredOutputCheck;
  readonly answerCheck: AnswerCheck;
}

// The import() specifiers must stay literal: that is what bundlers split on.
const paramsValidators = new OnFirstUse<RequestCheck>('params validators', () => import('./params-validator.js').then((m) => m.checkRequest));
const inboundValidators = new OnFirstUse<InboundCheck>('inbound validators', () => import('./inbound-validator.js').then((m) => m.validateInbound));
const structuredOutput = new OnFirstUse<StructuredOutputCheck>('structured-output validator', () => import('../structured-output.js'));
const answerChecks = new OnFirstUse<AnswerCheck>('answer validators', () => import('../approvals/answer-check.js').then((m) => m.answerIssues));

/**
 * Loads every validator chunk now (what a page's first uses would do), so that clients without
 * validators of their own check synchronously from then on. This sets nothing: it only warms the
 * module cache. For test set-ups (spec/support); a host hands its clients validators instead.
 */
export async function loadValidators(): Promise<void> {
  await Promise.all([paramsValidators.get(), inboundValidators.get(), structuredOutput.get(), answerChecks.get()]);
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
   * `use(check)` with the answer check of server requests: at once when it is here, else once its
   * chunk loaded. A failed load gives a check that refuses every answer, saying why (the router
   * then sends the safe default: an answer that cannot be checked is never sent).
   */
  withAnswerCheck<T>(use: (check: AnswerCheck) => Observable<T>): Observable<T> {
    const check = this.given?.answerCheck ?? answerChecks.now;
    if (check) return use(check);
    const refuseAll = (e: unknown): AnswerCheck => () => [{ path: '', message: `could not be validated: ${describeError(e)}` }];
    return from(answerChecks.get().catch(refuseAll)).pipe(switchMap(use));
  }
}
