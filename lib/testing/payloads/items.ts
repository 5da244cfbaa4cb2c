/** Protocol-valid thread items (what `item/started` and `item/completed` carry). */
import type { MessagePhase } from '../../protocol/generated/MessagePhase.js';
import type { JsonValue } from '../../protocol/generated/serde_json/JsonValue.js';
import type { CommandExecutionStatus } from '../../protocol/generated/v2/CommandExecutionStatus.js';
import type { FileUpdateChange } from '../../protocol/generated/v2/FileUpdateChange.js';
import type { McpToolCallStatus } from '../../protocol/generated/v2/McpToolCallStatus.js';
import type { PatchApplyStatus } from '../../protocol/generated/v2/PatchApplyStatus.js';
import type { ThreadItem } from '../../protocol/generated/v2/ThreadItem.js';
import { FAKE_CWD } from './threads.js';

/** One variant of ThreadItem, by its `type`. */
export type ItemOf<T extends ThreadItem['type']> = Extract<ThreadItem, { type: T }>;

/** The user's message of a turn. */
export function userMessageItem(id: string, text: string): ItemOf<'userMessage'> {
  return { type: 'userMessage', id, clientId: null, content: [{ type: 'text', text, text_elements: [] }] };
}

/** An agent message; `text` is the whole text (deltas stream it). */
export function agentMessageItem(id: string, text: string, phase: MessagePhase | null = null): ItemOf<'agentMessage'> {
  return { type: 'agentMessage', id, text, phase, moderation: null, memoryCitation: null, delivery: null, questions: null };
}

/** A reasoning item with its summary parts. */
export function reasoningItem(id: string, summary: readonly string[] = []): ItemOf<'reasoning'> {
  return { type: 'reasoning', id, summary: [...summary], content: [] };
}

/** What a command execution item reports. */
export interface CommandExecutionFields {
  status?: CommandExecutionStatus;
  cwd?: string;
  /** Output so far (null while it runs). */
  output?: string | null;
  exitCode?: number | null;
  durationMs?: number | null;
}

/** A command the agent runs (`inProgress` until `item/completed` reports exit code and output). */
export function commandExecutionItem(id: string, command: string, fields: CommandExecutionFields = {}): ItemOf<'commandExecution'> {
  const status = fields.status ?? 'completed';
  const ran = status === 'completed' || status === 'failed';
  return {
    type: 'commandExecution',
    id,
    pluginId: null,
    scriptPath: null,
    command,
    cwd: fields.cwd ?? FAKE_CWD,
    processId: null,
    source: 'agent',
    status,
    commandActions: [{ type: 'unknown', command }],
    aggregatedOutput: fields.output !== undefined ? fields.output : ran ? '' : null,
    exitCode: fields.exitCode !== undefined ? fields.exitCode : ran ? (status === 'completed' ? 0 : 1) : null,
    durationMs: fields.durationMs !== undefined ? fields.durationMs : ran ? 12 : null,
  };
}

/** One changed file: `diff` is a unified diff; `kind` add / delete / update (default). */
export interface FileChangeSpec {
  path: string;
  diff: string;
  kind?: 'add' | 'delete' | 'update';
}

/** A file change (patch) the agent makes. */
export function fileChangeItem(id: string, changes: readonly FileChangeSpec[], status: PatchApplyStatus = 'completed'): ItemOf<'fileChange'> {
  return { type: 'fileChange', id, changes: changes.map(fileUpdateChange), status };
}

function fileUpdateChange(c: FileChangeSpec): FileUpdateChange {
  const kind = c.kind ?? 'update';
  return { path: c.path, diff: c.diff, kind: kind === 'update' ? { type: 'update', move_path: null } : { type: kind } };
}

/** What an MCP tool call reports. */
export interface McpToolCallFields {
  status?: McpToolCallStatus;
  arguments?: JsonValue;
  /** Content of a successful result (MCP content blocks). */
  result?: JsonValue[] | null;
  /** Message of a failed call. */
  error?: string | null;
  durationMs?: number | null;
}

/** A call of tool `tool` on MCP server `server`. */
export function mcpToolCallItem(id: string, server: string, tool: string, fields: McpToolCallFields = {}): ItemOf<'mcpToolCall'> {
  const status = fields.status ?? (fields.error ? 'failed' : 'completed');
  const ended = status !== 'inProgress';
  return {
    type: 'mcpToolCall',
    id,
    server,
    environmentId: null,
    tool,
    status,
    arguments: fields.arguments ?? {},
    appContext: null,
    mcpAppUi: null,
    pluginId: null,
    readOnlyHint: null,
    result: ended && !fields.error ? { content: fields.result ?? [], structuredContent: null, _meta: null } : null,
    error: fields.error ? { message: fields.error } : null,
    durationMs: fields.durationMs !== undefined ? fields.durationMs : ended ? 20 : null,
  };
}
