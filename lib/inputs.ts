import { ValidationError } from './errors.js';
import type { UserInput } from './protocol/generated/v2/UserInput.js';
import type { ImageDetail } from './protocol/generated/ImageDetail.js';

/** One input item of a turn, as sent on the wire. */
export type InputItem = UserInput;
/** What a turn accepts: a string (one text item), one item, or several. */
export type Input = string | InputItem | readonly InputItem[];

/** A text input item. */
export function textInput(text: string): InputItem {
  return { type: 'text', text, text_elements: [] };
}
/** An image by URL (https: or data:). */
export function imageInput(url: string, detail?: ImageDetail): InputItem {
  return detail === undefined ? { type: 'image', url } : { type: 'image', url, detail };
}
/** An image file on the app-server's machine. */
export function localImageInput(path: string, detail?: ImageDetail): InputItem {
  return detail === undefined ? { type: 'localImage', path } : { type: 'localImage', path, detail };
}
/** A skill, by name and path. */
export function skillInput(name: string, path: string): InputItem {
  return { type: 'skill', name, path };
}
/** A mention (e.g. a file or an app), by name and path. */
export function mentionInput(name: string, path: string): InputItem {
  return { type: 'mention', name, path };
}

const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  text: ['text'],
  image: [],
  localImage: ['path'],
  audio: [],
  localAudio: ['path'],
  skill: ['name', 'path'],
  mention: ['name', 'path'],
};

/** Turns a string, an item or an array into wire input items; throws ValidationError on JS-level mistakes. */
export function toInputItems(input: Input): InputItem[] {
  if (typeof input === 'string') return [textInput(input)];
  const items = Array.isArray(input) ? input : [input];
  if (items.length === 0) throw new ValidationError('input', [{ path: 'input', message: 'must not be empty' }]);
  return items.map((raw, i) => {
    const path = Array.isArray(input) ? `input[${i}]` : 'input';
    if (typeof raw === 'string') return textInput(raw);
    if (raw === null || typeof raw !== 'object') {
      throw new ValidationError('input', [{ path, message: `must be a string or an input item, got ${raw === null ? 'null' : typeof raw}` }]);
    }
    const item = raw as unknown as Record<string, unknown>;
    // Own keys only: `type: 'constructor'` must be refused, not read off Object.prototype.
    const fields = typeof item.type === 'string' && Object.prototype.hasOwnProperty.call(REQUIRED, item.type) ? REQUIRED[item.type] : undefined;
    if (!fields) {
      throw new ValidationError('input', [{ path: `${path}.type`, message: `must be one of ${Object.keys(REQUIRED).join(', ')}` }]);
    }
    for (const f of fields) {
      if (typeof item[f] !== 'string') throw new ValidationError('input', [{ path: `${path}.${f}`, message: 'must be a string' }]);
    }
    if ((item.type === 'image' || item.type === 'audio') && typeof item.url !== 'string' && typeof item.fileId !== 'string') {
      throw new ValidationError('input', [{ path: `${path}.url`, message: 'must be a string (or give fileId)' }]);
    }
    if (item.type === 'text' && !Array.isArray(item.text_elements)) return { ...item, text_elements: [] } as unknown as InputItem;
    return raw as InputItem;
  });
}
