/**
 * What the scripted model answers in the web demo, chosen from the prompt (so the page can be
 * tried, and tested, in any order). Words in the prompt pick the scenario:
 *
 *   "slow" / "long"            a long answer that streams for ten seconds (try Stop, or reload)
 *   "delete" / "remove"        asks to run `rm -r src` (decline it)
 *   "run" / "list" / "ls"      asks to run `ls` (accept it: its output comes back in the list)
 *   "edit" / "note" / "file"   asks to change src/greet.js with a patch (a file change to approve)
 *   anything else              reasoning, then a streamed answer
 */
import { applyPatch, message, shellCommand, type RecordedRequest, type ScriptedStep } from 'codex-rx/testing/node';

type InputItem = { type?: string; role?: string; name?: string; call_id?: string; content?: Array<{ type?: string; text?: string }>; output?: unknown };

const NO_LOGIN = { login: false }; // a plain `bash -c`: no login-shell start-up to wait for
const USAGE = { inputTokens: 2400, cachedInputTokens: 1800, outputTokens: 60 };

const INTRO =
  'codex-rx is an RxJS client for the Codex app-server. This page talks to it through codex-rx/gateway: ' +
  'every event of this turn arrives over one WebSocket, and turnProgress() folds them into the snapshot you see.';

const LONG = Array.from({ length: 12 }, (_, i) => `Paragraph ${i + 1}: a long answer keeps streaming, one small delta at a time, until it ends or you press Stop.`).join(' ');

const GREET_PATCH = [
  '*** Begin Patch',
  '*** Update File: src/greet.js',
  '@@',
  "-exports.greet = (name) => `Hello, ${name}!`;",
  "+exports.greet = (name = 'world') => `Hello, ${name}!`;",
  '+exports.shout = (name) => exports.greet(name).toUpperCase();',
  '*** End Patch',
  '',
].join('\n');

/** The step for one `POST /responses`, from the conversation Codex sent. */
export function scriptedAnswer(request: RecordedRequest): ScriptedStep {
  const input: InputItem[] = Array.isArray(request.body?.input) ? request.body.input : [];
  const last = input.at(-1);
  if (last?.type === 'function_call_output' || last?.type === 'custom_tool_call_output') return afterTool(last, input);

  const prompt = lastUserText(input).toLowerCase();
  if (/\b(slow|long)\b/.test(prompt)) return message(LONG, { chunks: 200, delayMsBetweenEvents: 50, usage: USAGE });
  if (/\b(delete|remove)\b/.test(prompt)) return shellCommand('rm -r src', { escalate: 'Delete the src folder', extraArgs: NO_LOGIN, usage: USAGE });
  if (/\b(run|list|ls)\b/.test(prompt)) return shellCommand('ls', { escalate: 'List the files in the workspace', extraArgs: NO_LOGIN, usage: USAGE });
  if (/\b(edit|note|notes|file)\b/.test(prompt)) {
    return applyPatch(GREET_PATCH, { usage: USAGE });
  }
  return {
    delayMsBetweenEvents: 60,
    usage: USAGE,
    output: [
      { type: 'reasoning', summary: 'Explaining codex-rx in two sentences', chunks: 3 },
      { type: 'message', text: INTRO, chunks: 24 },
    ],
  };
}

/** The model's answer once a tool ran (or was refused). */
function afterTool(result: InputItem, input: InputItem[]): ScriptedStep {
  const call = input.find((i) => (i.type === 'function_call' || i.type === 'custom_tool_call') && i.call_id === result.call_id);
  // (No plan scenario: this binary offers `update_plan` only to some models, not to the scripted one.)
  const output = outputText(result.output);
  let text: string;
  if (/reject|declin|denied|not approved/i.test(output)) text = 'You declined, so I did not run it. The workspace is unchanged.';
  else if (call?.name === 'apply_patch') text = 'I changed src/greet.js: greet() has a default name now, and shout() is new.';
  else text = `The command ran. It printed: ${lastLines(output)}`;
  return message(text, { chunks: 8, delayMsBetweenEvents: 40, usage: USAGE });
}

function lastUserText(input: InputItem[]): string {
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i]!;
    if (item.type !== 'message' || item.role !== 'user') continue;
    const text = (item.content ?? []).map((c) => c.text ?? '').join(' ');
    if (!text.startsWith('<')) return text; // skip <environment_context>, AGENTS.md…
  }
  return '';
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return output.map((o: { text?: string }) => o?.text ?? '').join('\n');
  return JSON.stringify(output ?? '');
}

/** The command's own output (Codex wraps it with exit code and timing lines). */
function lastLines(output: string): string {
  const body = output.includes('Output:') ? output.slice(output.lastIndexOf('Output:') + 'Output:'.length) : output;
  return body.trim().split('\n').join(', ').slice(0, 300) || '(nothing)';
}
