const BACKSLASH = 0x5c;

/**
 * Index of the quote that ends the JSON string whose opening quote is at `start`, or -1 when it
 * does not end. Jumps from quote to quote (a native search), counting the backslashes before
 * each: linear in the text, whatever its escapes.
 */
export function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end > 0) {
    let slashes = 0;
    for (let j = end - 1; j > start && text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if ((slashes & 1) === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}
