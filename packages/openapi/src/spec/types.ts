/** A parsed JSON value from a spec; specs are untyped input, so callers narrow as they read. */
export type JsonObject = Record<string, any>;

export type SourceDialect = 'swagger-2.0' | 'openapi-3.0' | 'openapi-3.1';

/** A spec after loading: always OpenAPI 3.x in shape (Swagger 2.0 is upgraded), `$ref`s kept. */
export interface LoadedSpec {
  document: JsonObject;
  /** What the source was written in; schemas of 3.0 sources still carry `nullable` and boolean bounds. */
  sourceDialect: SourceDialect;
  title: string;
  version: string;
  /** The source as given (URL, or the file's base name): for messages, never an absolute path. */
  sourceLabel: string;
  /** Set when the spec came from a URL: relative `servers` entries resolve against it. */
  sourceUrl?: string;
  /** Validation warnings from the parser, already human-readable. */
  warnings: string[];
}

/** A spec that cannot be served. The message names what is wrong and where. */
export class SpecError extends Error {
  override name = 'SpecError';
}
