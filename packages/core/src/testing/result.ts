/** The text blocks of a tool result (or prompt message), joined: what a model would read. */
export function resultText(result: { content?: unknown }): string {
  const blocks = Array.isArray(result.content) ? result.content : [];
  return blocks
    .filter(
      (b): b is { type: 'text'; text: string } =>
        !!b && typeof b === 'object' && (b as { type?: unknown }).type === 'text',
    )
    .map((b) => b.text)
    .join('\n');
}
