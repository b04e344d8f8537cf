/** The smallest arguments a schema accepts: required properties only, each from enum, default or type. */
export function sampleArguments(schema: any): Record<string, unknown> {
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
    const first = s.oneOf?.[0] ?? s.anyOf?.[0];
    if (first) return value(first, depth + 1);
    if (s.allOf) return Object.assign({}, ...s.allOf.map((p: any) => value(p, depth + 1)));
    const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
    switch (type) {
      case 'integer':
        return Math.max(typeof s.minimum === 'number' ? Math.ceil(s.minimum) : 1, 1);
      case 'number':
        return Math.max(typeof s.minimum === 'number' ? s.minimum : 1, 1);
      case 'boolean':
        return true;
      case 'array':
        return [value(s.items, depth + 1)];
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
  const objectValue = (s: any, depth: number) => {
    const out: Record<string, unknown> = {};
    for (const name of s.required ?? []) out[name] = value(s.properties?.[name], depth + 1);
    return out;
  };
  return objectValue(schema, 0) as Record<string, unknown>;
}
