/** Scripted mode: what Codex showed the model, read from a recorded Responses-API request. */

/** One message of the conversation the model was shown. */
export interface ShownMessage {
  role: 'user' | 'assistant';
  text: string;
}

/**
 * Scripted mode: the user and assistant messages of one request Codex sent the model (a
 * Responses-API body), in order — what the model was shown. Codex's own context (instructions,
 * `<environment_context>`, developer messages) is left out; images show as `[image]`.
 */
export function conversationOf(body: unknown): ShownMessage[] {
  const input = (body as { input?: Array<Record<string, unknown>> } | undefined)?.input ?? [];
  const out: ShownMessage[] = [];
  for (const item of input) {
    if (item.type !== 'message' || (item.role !== 'user' && item.role !== 'assistant')) continue;
    const parts = (item.content as Array<{ type: string; text?: string }>).map((c) => (c.type === 'input_image' ? '[image]' : (c.text ?? '')));
    const text = parts.filter((p) => !/^<\/?image\b/.test(p)).join(' ');
    if (item.role === 'user' && text.startsWith('<')) continue; // <environment_context>, AGENTS.md…
    out.push({ role: item.role, text });
  }
  return out;
}
