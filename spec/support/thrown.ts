/** The error `fn` throws, for a closer look than `toThrow` gives (fails the test when it does not throw). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the caller inspects whatever was thrown
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
