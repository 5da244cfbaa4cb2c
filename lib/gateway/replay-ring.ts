/**
 * The notifications a principal's app-server sent lately, raw and bounded by bytes (the oldest
 * dropped first), so that a tab resuming a thread whose turn is running gets that turn's text so
 * far. Storing costs no parse; only a replay parses, and only then.
 */
export class ReplayRing {
  private readonly frames: Array<string | Buffer> = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(frame: string | Buffer): void {
    if (this.maxBytes <= 0) return;
    this.frames.push(frame);
    this.bytes += frame.length;
    while (this.bytes > this.maxBytes && this.head < this.frames.length) {
      this.bytes -= this.frames[this.head].length;
      this.frames[this.head++] = '';
    }
    // Compact now and then, so the array does not grow without end.
    if (this.head > 1024 && this.head * 2 > this.frames.length) {
      this.frames.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * The remembered notifications of turn `turnId` about items not in `done` (their `item/started`,
   * deltas and anything else naming the item), in the order they came.
   */
  itemsOfTurn(turnId: string, done: ReadonlySet<string>): Array<string | Buffer> {
    const out: Array<string | Buffer> = [];
    for (let i = this.head; i < this.frames.length; i++) {
      const frame = this.frames[i];
      if (!frame.includes(turnId)) continue;
      let m: { params?: { turnId?: unknown; itemId?: unknown; item?: { id?: unknown } } };
      try {
        m = JSON.parse(typeof frame === 'string' ? frame : frame.toString('utf8'));
      } catch {
        continue;
      }
      const p = m?.params;
      if (p?.turnId !== turnId) continue;
      const itemId = typeof p.itemId === 'string' ? p.itemId : typeof p.item?.id === 'string' ? p.item.id : undefined;
      if (itemId !== undefined && !done.has(itemId)) out.push(frame);
    }
    return out;
  }
}
