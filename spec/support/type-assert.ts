/**
 * Compile-time assertions. ts-jest type-checks spec files, so a false assertion fails the run.
 *
 * ```ts
 * assertType<Equals<ResultOf<'account/logout'>, LogoutAccountResponse>>();
 * expectType<Observable<ThreadStartResponse>>(connection.request('thread/start', {}));
 * ```
 */

/** `true` when A and B are the same type (not merely mutually assignable; `any` is only equal to `any`). */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** `true` when T is `false`. */
export type Not<T extends boolean> = T extends true ? false : true;

/** Compiles only when T is `true`. */
export function assertType<T extends true>(..._proof: T extends true ? [] : [never]): void {}

/** Compiles only when the value's type is exactly `Expected`. */
export function expectType<Expected>() {
  return <Actual>(_value: Actual, ..._proof: Equals<Actual, Expected> extends true ? [] : [`type differs from the expected type`]): void => {};
}
