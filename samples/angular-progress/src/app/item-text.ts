import type { ItemProgress } from 'codex-rx';

type Item = ItemProgress['item'];
type CommandAction = Extract<Item, { type: 'commandExecution' }>['commandActions'][number];

/** The command as the user typed it: Codex's parsed actions (without the `bash -lc` wrapper), else the raw command. */
export function commandText(command: string, actions: readonly CommandAction[]): string {
  const parsed = actions.map((a) => a.command).filter((c) => c);
  return parsed.length > 0 ? parsed.join(' && ') : command;
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
