/**
 * Renders one turn's events in a terminal: the prompt, the agent's text as it streams, approval
 * requests, and one status line per item when it completes. The spinner line (TTY only) is
 * derived from `reduceTurnProgress`, the same fold `turnProgress()` uses for UIs.
 */
import { INITIAL_TURN_PROGRESS, isServerRequest, reduceTurnProgress, type protocol, type ServerRequestMessage, type TurnNotification, type TurnProgress } from '../../lib/index.js';
import type { Terminal } from './terminal.js';

type ThreadItem = protocol.v2.ThreadItem;
type CommandAction = protocol.v2.CommandAction;

/** Most output lines shown per command. */
const MAX_OUTPUT_LINES = 8;

export class TurnView {
  private progress: TurnProgress = INITIAL_TURN_PROGRESS;
  private readonly startedAt = new Map<string, number>();
  private readonly streamed = new Map<string, { text: string; deltas: number }>();

  constructor(private readonly term: Terminal) {}

  /** Feed every event of the turn here, e.g. `thread.turn(input).pipe(tap(view.render))`. */
  readonly render = (event: TurnNotification): void => {
    this.progress = reduceTurnProgress(this.progress, event);
    if (isServerRequest(event)) this.showRequest(event);
    else {
      switch (event.method) {
        case 'item/started':
          this.startedAt.set(event.params.item.id, Date.now());
          break;
        case 'item/agentMessage/delta':
          this.streamDelta(event.params.itemId, event.params.delta);
          break;
        case 'item/completed':
          this.showCompleted(event.params.item);
          break;
      }
    }
    this.term.setStatus(this.statusText());
  };

  /** What the spinner says now, from the progress snapshot (undefined: no spinner). */
  private statusText(): string | undefined {
    const p = this.progress;
    if (p.status !== 'starting' && p.status !== 'inProgress') return undefined;
    if (p.pendingRequests.length > 0) return 'waiting for an approval…';
    const running = p.items.filter((i) => i.status === 'inProgress' && i.type !== 'userMessage');
    if (running.some((i) => i.type === 'agentMessage')) return undefined; // the text itself shows progress
    const command = running.find((i) => i.type === 'commandExecution');
    if (command?.item?.type === 'commandExecution') return `running ${commandLabel(command.item.commandActions, command.item.command)}…`;
    if (running.some((i) => i.type === 'reasoning')) return 'thinking…';
    if (running.length > 0) return `${running[0].type}…`;
    return 'waiting for the model…';
  }

  private streamDelta(itemId: string, delta: string): void {
    const s = this.streamed.get(itemId) ?? { text: '', deltas: 0 };
    if (s.text === '') this.term.stream('  ');
    this.term.stream(indent(delta));
    this.streamed.set(itemId, { text: s.text + delta, deltas: s.deltas + 1 });
  }

  private showRequest(request: ServerRequestMessage): void {
    const { term } = this;
    if (request.method === 'item/commandExecution/requestApproval') {
      const p = request.params;
      term.line(`${term.yellow('?')} approval requested: run ${term.bold(commandLabel(p.commandActions, p.command))}`);
      if (p.reason) term.line(term.dim(`    reason: ${p.reason}`));
      if (p.cwd) term.line(term.dim(`    in:     ${p.cwd}`));
    } else if (request.method === 'item/fileChange/requestApproval') {
      term.line(`${term.yellow('?')} approval requested: apply file changes${request.params.reason ? ` (${request.params.reason})` : ''}`);
    } else {
      term.line(`${term.yellow('?')} the server asks: ${request.method}`);
    }
  }

  private showCompleted(item: ThreadItem): void {
    const { term } = this;
    const took = this.elapsed(item.id);
    switch (item.type) {
      case 'userMessage': {
        const text = item.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join(' ');
        term.line(`${term.cyan('›')} ${term.bold(text)}`);
        return;
      }
      case 'agentMessage': {
        const s = this.streamed.get(item.id) ?? { text: '', deltas: 0 };
        // The completed item is authoritative: show whatever the deltas did not.
        if (item.text !== s.text) {
          if (s.text === '' || !item.text.startsWith(s.text)) {
            if (s.text !== '') term.endStream();
            term.stream(`  ${indent(item.text)}`);
          } else term.stream(indent(item.text.slice(s.text.length)));
        }
        term.endStream();
        const how = s.deltas > 0 ? `streamed in ${s.deltas} chunks` : 'not streamed';
        term.line(`${term.green('✓')} ${term.dim(`agent message · ${item.text.length} chars, ${how} · ${took}`)}`);
        return;
      }
      case 'commandExecution': {
        const label = commandLabel(item.commandActions, item.command);
        const ok = item.status === 'completed' && item.exitCode === 0;
        const mark = ok ? term.green('✓') : term.red('✗');
        const how = item.status === 'declined' ? 'declined' : item.exitCode === null ? item.status : `exit ${item.exitCode}`;
        term.line(`${mark} ran ${term.bold(label)} · ${how} · ${seconds(item.durationMs ?? undefined) ?? took}`);
        const lines = (item.aggregatedOutput ?? '').replace(/\n$/, '').split('\n').filter((l, i, all) => l !== '' || all.length > 1);
        for (const l of lines.slice(0, MAX_OUTPUT_LINES)) term.line(term.dim(`    │ ${l}`));
        if (lines.length > MAX_OUTPUT_LINES) term.line(term.dim(`    │ … ${lines.length - MAX_OUTPUT_LINES} more lines`));
        return;
      }
      case 'reasoning': {
        const summary = item.summary.join(' ').split('\n')[0];
        term.line(`${term.green('✓')} ${term.dim(`reasoning · ${took}${summary ? ` · ${summary}` : ''}`)}`);
        return;
      }
      case 'fileChange':
        term.line(`${term.green('✓')} file change (${item.status}): ${item.changes.map((c) => c.path).join(', ')}`);
        return;
      case 'mcpToolCall':
        term.line(`${term.green('✓')} tool ${item.server}.${item.tool} (${item.status}) · ${took}`);
        return;
      default:
        term.line(`${term.green('✓')} ${item.type} · ${took}`);
    }
  }

  private elapsed(itemId: string): string {
    const start = this.startedAt.get(itemId);
    return seconds(start === undefined ? undefined : Date.now() - start) ?? '-';
  }
}

/** A command as people write it: Codex's parsed actions (`ls`), else the raw command line. */
export function commandLabel(actions: readonly CommandAction[] | null | undefined, command: string | null | undefined): string {
  if (actions && actions.length > 0) return `\`${actions.map((a) => a.command).join(' && ')}\``;
  return `\`${command ?? '?'}\``;
}

/** `1234` → `"1.2 s"`; small values keep milliseconds. */
export function seconds(ms: number | undefined | null): string | undefined {
  if (ms === undefined || ms === null) return undefined;
  if (ms < 1) return '< 1 ms';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Indents text by two spaces after each line break (the first line's indent is written once). */
function indent(text: string): string {
  return text.replace(/\n/g, '\n  ');
}
