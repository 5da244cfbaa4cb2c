/** An approval handler's answer may be a value, a promise or an Observable: all become an Observable. */
import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { answerAsObservable, isAsyncAnswer } from '../../lib/rpc/async-answer.js';

describe('isAsyncAnswer', () => {
  it('is true for Observables, promises and other thenables (objects or functions)', () => {
    const thenFn = Object.assign(() => undefined, { then: () => undefined });
    for (const v of [of(1), Promise.resolve(1), { then: () => undefined }, thenFn]) expect(isAsyncAnswer(v)).toBe(true);
  });

  it('is false for plain values, null and objects whose then is no function', () => {
    for (const v of [null, undefined, 1, 'accept', { decision: 'accept' }, { then: 'x' }, [1]]) expect([v, isAsyncAnswer(v)]).toEqual([v, false]);
  });
});

describe('answerAsObservable', () => {
  it('emits a plain value once, an array as one value', async () => {
    expect(await lastValueFrom(answerAsObservable({ decision: 'accept' }).pipe(toArray()))).toEqual([{ decision: 'accept' }]);
    expect(await lastValueFrom(answerAsObservable([1, 2]).pipe(toArray()))).toEqual([[1, 2]]);
  });

  it('follows a promise and an Observable', async () => {
    expect(await firstValueFrom(answerAsObservable(Promise.resolve('decline')))).toBe('decline');
    expect(await lastValueFrom(answerAsObservable(of('a', 'b')).pipe(toArray()))).toEqual(['a', 'b']);
  });
});
