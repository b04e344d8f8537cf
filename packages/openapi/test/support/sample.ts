/** The smallest arguments a schema accepts: required properties only, each from enum, default or type. */
export function sampleArguments(
  schema: any,
  options: { all?: boolean; branch?: number } = {},
): Record<string, unknown> {
  const defs = schema.$defs ?? {};
  const value = (s: any, depth: number): unknown => {
    if (!s || typeof s !== 'object' || depth > 8) return 'x';
    if (s.$ref)
      return value(
        defs[decodeURIComponent(s.$ref.replace('#/$defs/', '')).replace(/~1/g, '/').replace(/~0/g, '~')],
        depth + 1,
      );
    if (s.default !== undefined) return s.default;
    if (s.enum) return s.enum.find((v: unknown) => v !== null && v !== '') ?? s.enum[0];
    if (s.const !== undefined) return s.const;
    const choices = s.oneOf ?? s.anyOf;
    if (choices?.length) return value(choices[(options.branch ?? 0) % choices.length], depth + 1);
    if (s.allOf) return Object.assign({}, ...s.allOf.map((p: any) => value(p, depth + 1)));
    const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
    switch (type) {
      case 'integer':
        return Math.max(typeof s.minimum === 'number' ? Math.ceil(s.minimum) : 1, 1);
      case 'number':
        return Math.max(typeof s.minimum === 'number' ? s.minimum : 1, 1);
      case 'boolean':
        return true;
      case 'array': {
        // Two items where allowed, so a repeated form field still reads as an array.
        const item = value(s.items, depth + 1);
        return s.uniqueItems || s.maxItems === 1 ? [item] : [item, item];
      }
      case 'object':
        return objectValue(s, depth);
      default:
        if (s.properties) return objectValue(s, depth);
        if (s.format === 'date-time') return '2024-01-02T03:04:05Z';
        if (s.format === 'date') return '2024-01-02';
        if (s.format === 'email') return 'a@example.com';
        if (s.format === 'uuid') return '123e4567-e89b-12d3-a456-426614174000';
        if (s.format === 'uri' || s.format === 'url') return 'https://example.com/';
        return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    }
  };
  // With `all`, optional properties are filled too (to depth 2), so every parameter goes on the wire.
  const objectValue = (s: any, depth: number) => {
    const out: Record<string, unknown> = {};
    const names = options.all && depth < 2 ? Object.keys(s.properties ?? {}) : (s.required ?? []);
    for (const name of names) out[name] = value(s.properties?.[name], depth + 1);
    return out;
  };
  return objectValue(schema, 0) as Record<string, unknown>;
}
