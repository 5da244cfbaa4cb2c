import { ValidationError } from '../lib/errors';
import { imageInput, localImageInput, mentionInput, skillInput, textInput, toInputItems, type InputItem } from '../lib/inputs';

/** The issues of the ValidationError `toInputItems(input)` throws. */
function issuesOf(input: unknown) {
  try {
    toInputItems(input as never);
  } catch (e) {
    if (!ValidationError.is(e)) throw e;
    expect(e.subject).toBe('input');
    return e.issues;
  }
  throw new Error('expected a ValidationError');
}

describe('inputs', () => {
  it('builders make wire items; detail only when given', () => {
    expect(textInput('hi')).toEqual({ type: 'text', text: 'hi', text_elements: [] });
    expect(imageInput('https://x/a.png')).toEqual({ type: 'image', url: 'https://x/a.png' });
    expect(imageInput('https://x/a.png', 'low')).toEqual({ type: 'image', url: 'https://x/a.png', detail: 'low' });
    expect(localImageInput('/tmp/a.png')).toEqual({ type: 'localImage', path: '/tmp/a.png' });
    expect(localImageInput('/tmp/a.png', 'high')).toEqual({ type: 'localImage', path: '/tmp/a.png', detail: 'high' });
    expect(skillInput('review', '/skills/review')).toEqual({ type: 'skill', name: 'review', path: '/skills/review' });
    expect(mentionInput('main.ts', '/repo/main.ts')).toEqual({ type: 'mention', name: 'main.ts', path: '/repo/main.ts' });
  });

  describe('toInputItems: a string, one item or several → wire items', () => {
    it('a string is one text item', () => {
      expect(toInputItems('hello')).toEqual([textInput('hello')]);
      expect(toInputItems('')).toEqual([textInput('')]);
    });

    it('one item becomes a list of it; a list keeps its order, strings in it become text items', () => {
      const image = imageInput('https://x/a.png');
      expect(toInputItems(image)).toEqual([image]);
      expect(toInputItems([textInput('look'), image, 'and this'] as never)).toEqual([textInput('look'), image, textInput('and this')]);
    });

    it('every item kind of the protocol passes, including url-or-fileId media', () => {
      const items = [
        { type: 'image', fileId: 'file_1' },
        { type: 'audio', url: 'https://x/a.wav' },
        { type: 'audio', fileId: 'file_2' },
        { type: 'localAudio', path: '/tmp/a.wav' },
        skillInput('s', '/p'),
        mentionInput('m', '/p'),
      ] as InputItem[];
      expect(toInputItems(items)).toEqual(items);
    });

    it('a text item without text_elements gets an empty list, without changing the caller’s object', () => {
      const item = { type: 'text', text: 'hi' } as unknown as InputItem;
      expect(toInputItems([item])).toEqual([{ type: 'text', text: 'hi', text_elements: [] }]);
      expect(item).toEqual({ type: 'text', text: 'hi' });
    });
  });

  describe('mistakes → ValidationError with the path of the item', () => {
    it.each<[string, unknown, { path: string; message: string | RegExp }]>([
      ['an empty list', [], { path: 'input', message: 'must not be empty' }],
      ['null in a list', ['ok', null], { path: 'input[1]', message: 'must be a string or an input item, got null' }],
      ['a number alone', 42, { path: 'input', message: 'must be a string or an input item, got number' }],
      ['an unknown type', [{ type: 'video', url: 'x' }], { path: 'input[0].type', message: 'must be one of text, image, localImage, audio, localAudio, skill, mention' }],
      ['a missing type', { text: 'hi' }, { path: 'input.type', message: /^must be one of text, / }],
      ['a text item without text', [textInput('a'), { type: 'text' }], { path: 'input[1].text', message: 'must be a string' }],
      ['a local image without a path', { type: 'localImage', path: 5 }, { path: 'input.path', message: 'must be a string' }],
      ['a skill without a name', [{ type: 'skill', path: '/p' }], { path: 'input[0].name', message: 'must be a string' }],
      ['an image with neither url nor fileId', [{ type: 'image' }], { path: 'input[0].url', message: 'must be a string (or give fileId)' }],
      ['an audio item with neither url nor fileId', { type: 'audio', url: 7 }, { path: 'input.url', message: 'must be a string (or give fileId)' }],
      ['a type inherited from Object.prototype', [{ type: 'constructor' }], { path: 'input[0].type', message: /^must be one of / }],
    ])('%s', (_, input, expected) => {
      expect(issuesOf(input)).toEqual([{ path: expected.path, message: typeof expected.message === 'string' ? expected.message : expect.stringMatching(expected.message) }]);
    });
  });
});
