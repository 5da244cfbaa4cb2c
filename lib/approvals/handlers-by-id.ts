import type { ApprovalHandler } from './approval-router.js';

/**
 * Handlers by a server-chosen id. The server may give two callers the same id (two turns started
 * at once on one thread get one turn id; a thread resumed twice keeps its id), so each id holds
 * a stack: the newest registration answers, and undoing it uncovers the one before.
 */
export class HandlersById {
  private readonly stacks = new Map<string, Array<{ readonly handler: ApprovalHandler }>>();

  /** The handler registered last for `id` and not undone yet. */
  get(id: string): ApprovalHandler | undefined {
    const stack = this.stacks.get(id);
    return stack?.[stack.length - 1]?.handler;
  }

  /** Registers `handler` for `id`; returns the undo (idempotent, removes this registration only). */
  add(id: string, handler: ApprovalHandler): () => void {
    const entry = { handler }; // one object per registration: the same handler may be added twice
    const stack = this.stacks.get(id);
    if (stack) stack.push(entry);
    else this.stacks.set(id, [entry]);
    return () => {
      const current = this.stacks.get(id);
      const i = current ? current.indexOf(entry) : -1;
      if (i < 0) return;
      current!.splice(i, 1);
      if (current!.length === 0) this.stacks.delete(id);
    };
  }
}
