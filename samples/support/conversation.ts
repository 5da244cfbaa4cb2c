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

/** Scripted mode: every content part (input_text, input_image, …) of the messages in one request Codex sent the model. */
export function contentPartsOf(body: unknown): Array<Record<string, string>> {
  const input = (body as { input?: Array<{ content?: Array<Record<string, string>> }> } | undefined)?.input ?? [];
  return input.flatMap((m) => m.content ?? []);
}

/** Prints the model's answer to a question about an image; a scripted model's answer is said to be written in advance. */
export function showImageAnswer(answer: string | null, scripted: boolean): void {
  if (!scripted) {
    console.log(`the model answers: ${answer}`);
    return;
  }
  console.log(`the scripted model answers: ${answer}`);
  console.log('(the scripted model cannot see images: that answer was written in advance. Run with --live for a real look.)');
}
