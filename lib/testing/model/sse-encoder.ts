/**
 * The pure half of the scripted model: a {@link ScriptedStep} → the Responses-API events that
 * answer it, and each event → one `text/event-stream` frame. No I/O, no clock unless you pass
 * none: the HTTP server (Node) only writes what this returns.
 */
import type { ScriptedOutput, ScriptedStep, ScriptedUsage } from './steps.js';

/** One Responses-API streaming event (`type` is also the SSE `event:` name). */
export type ResponseEvent = Record<string, unknown> & { readonly type: string };

/** Hands out the numbers behind generated ids (`resp_<n>`, `msg_<n>`, `call_<n>`…). */
export interface IdSource {
  next(): number;
}

/** Options of {@link encodeStep}. */
export interface EncodeStepOptions {
  /** Model name echoed in `response.*` events. Default `"mock-model"`. */
  model?: string;
  /** Id numbers; share one source across steps so ids stay unique. Default: a fresh counter. */
  ids?: IdSource;
  /** `created_at` (Unix seconds) of the response. Default: now. */
  createdAt?: number;
}

/** A counter starting at `first` (default 1). */
export function idCounter(first = 1): IdSource {
  let n = first;
  return { next: () => n++ };
}

/**
 * The events that answer `step`, in order: `response.created`, each output item (with its
 * deltas), then `response.completed` — or `response.failed` (`step.fail`), or nothing after the
 * items (`step.hang`). `step.httpError` and `step.delayMsBetweenEvents` are the server's business.
 */
export function encodeStep(step: ScriptedStep, options: EncodeStepOptions = {}): ResponseEvent[] {
  const ids = options.ids ?? idCounter();
  const events: ResponseEvent[] = [];
  const base = {
    id: `resp_${ids.next()}`,
    object: 'response',
    model: options.model ?? 'mock-model',
    created_at: options.createdAt ?? Math.floor(Date.now() / 1000),
  };
  events.push({ type: 'response.created', response: { ...base, status: 'in_progress', output: [] } });

  const done: unknown[] = [];
  let emitted = 0;
  for (const [outputIndex, out] of (step.output ?? []).entries()) {
    const item = wireItem(out, ids.next());
    const at = { output_index: outputIndex };
    switch (out.type) {
      case 'message': {
        const ref = { item_id: item.id, ...at, content_index: 0 };
        events.push({ type: 'response.output_item.added', ...at, item: { ...item, content: [] } });
        const part = { type: 'output_text', text: '', annotations: [] };
        events.push({ type: 'response.content_part.added', ...ref, part });
        for (const delta of splitText(out.text, out.chunks)) {
          emitted++;
          events.push({ type: 'response.output_text.delta', ...ref, delta });
        }
        events.push({ type: 'response.output_text.done', ...ref, text: out.text });
        events.push({ type: 'response.content_part.done', ...ref, part: { ...part, text: out.text } });
        break;
      }
      case 'reasoning': {
        const ref = { item_id: item.id, ...at, summary_index: 0 };
        events.push({ type: 'response.output_item.added', ...at, item: { ...item, summary: [] } });
        events.push({ type: 'response.reasoning_summary_part.added', ...ref, part: { type: 'summary_text', text: '' } });
        for (const delta of splitText(out.summary, out.chunks)) {
          emitted++;
          events.push({ type: 'response.reasoning_summary_text.delta', ...ref, delta });
        }
        events.push({ type: 'response.reasoning_summary_text.done', ...ref, text: out.summary });
        break;
      }
      case 'function_call':
      case 'custom_tool_call':
        emitted++;
        events.push({ type: 'response.output_item.added', ...at, item });
        break;
    }
    done.push(item);
    events.push({ type: 'response.output_item.done', ...at, item });
  }

  if (step.hang) return events;
  if (step.fail) {
    const error = { code: step.fail.code ?? 'server_error', message: step.fail.message };
    events.push({ type: 'response.failed', response: { ...base, status: 'failed', output: done, error } });
    return events;
  }
  events.push({ type: 'response.completed', response: { ...base, status: 'completed', output: done, usage: wireUsage(step.usage, emitted) } });
  return events;
}

/** One SSE frame: `event: <type>\ndata: <json>\n\n`. */
export function toSseFrame(event: ResponseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The Responses-API item for one scripted output (as in `response.output_item.done`); `n` numbers its ids. */
function wireItem(out: ScriptedOutput, n: number): Record<string, unknown> & { id: string } {
  switch (out.type) {
    case 'message':
      return {
        type: 'message',
        id: out.id ?? `msg_${n}`,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: out.text, annotations: [] }],
        ...(out.phase ? { phase: out.phase } : {}),
      };
    case 'reasoning':
      return { type: 'reasoning', id: out.id ?? `rs_${n}`, summary: [{ type: 'summary_text', text: out.summary }] };
    case 'function_call':
      return {
        type: 'function_call',
        id: out.id ?? `fc_${n}`,
        call_id: out.callId ?? `call_${n}`,
        name: out.name,
        arguments: typeof out.arguments === 'string' ? out.arguments : JSON.stringify(out.arguments),
        status: 'completed',
      };
    case 'custom_tool_call':
      return { type: 'custom_tool_call', id: out.id ?? `ctc_${n}`, call_id: out.callId ?? `call_${n}`, name: out.name, input: out.input, status: 'completed' };
  }
}

/** Usage in the wire's snake_case; output tokens default to the number of deltas and calls sent. */
function wireUsage(usage: ScriptedUsage = {}, emitted: number): Record<string, unknown> {
  const input = usage.inputTokens ?? 10;
  const output = usage.outputTokens ?? Math.max(1, emitted);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.reasoningOutputTokens ?? 0 },
    total_tokens: input + output,
  };
}

/** Splits text into deltas: `chunks` entries verbatim, or N near-equal pieces (by code point). */
export function splitText(text: string, chunks: number | string[] | undefined): string[] {
  if (Array.isArray(chunks)) return chunks;
  const chars = Array.from(text);
  const n = Math.max(1, Math.min(chunks ?? 1, chars.length));
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(chars.slice(Math.floor((i * chars.length) / n), Math.floor(((i + 1) * chars.length) / n)).join(''));
  }
  return pieces;
}
