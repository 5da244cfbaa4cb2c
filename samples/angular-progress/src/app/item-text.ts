import type { ItemProgress } from 'codex-rx';

type Item = ItemProgress['item'];
type CommandAction = Extract<Item, { type: 'commandExecution' }>['commandActions'][number];

/** The command as the user typed it: Codex's parsed actions (without the `bash -lc` wrapper), else the raw command. */
export function commandText(command: string, actions: readonly CommandAction[]): string {
  const parsed = actions.map((a) => a.command).filter((c) => c);
  return parsed.length > 0 ? parsed.join(' && ') : command;
}

/** One line that says what an item is about. */
export function itemSummary(p: ItemProgress): string {
  const item = p.item as Item | undefined; // undefined while only deltas have arrived
  switch (item?.type) {
    case 'userMessage':
      return item.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join(' ');
    case 'agentMessage':
      return `${p.text.length} characters`;
    case 'reasoning':
      return item.summary.join(' ') || 'thinking…';
    case 'commandExecution':
      return commandText(item.command, item.commandActions);
    case 'fileChange':
      return item.changes.map((c) => `${c.kind.type} ${c.path}`).join(', ') || 'no files';
    case 'plan':
      return item.text;
    case undefined:
      return p.type === 'agentMessage' ? `${p.text.length} characters` : '';
    default:
      return '';
  }
}

/** The item's own status when it has one (a declined command, a failed patch), else the stream's. */
export function itemStatus(p: ItemProgress): string {
  const item = p.item as Item | undefined;
  if (item && (item.type === 'commandExecution' || item.type === 'fileChange') && item.status !== 'inProgress') return item.status;
  return p.status;
}

/** Output of a command: streamed so far, or the final aggregate. */
export function commandOutput(p: ItemProgress): string {
  const item = p.item as Item | undefined;
  const final = item?.type === 'commandExecution' ? item.aggregatedOutput : null;
  return final ?? p.text;
}
