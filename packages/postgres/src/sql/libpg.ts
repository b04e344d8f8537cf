import { createRequire } from 'node:module';
import v8 from 'node:v8';

/**
 * The PostgreSQL parser (libpg_query compiled to WebAssembly, from @pgsql/parser), loaded
 * without the package's index: that index also loads a 5 MB protobuf module for deparsing,
 * which this server never does (it costs ~25 MB of memory and start time). And it reads the
 * parser's answer by its shape (JSON or an error message), not by searching it for "ERROR",
 * which a string literal in the query could contain.
 */
interface LibpgModule {
  _malloc(size: number): number;
  _free(ptr: number): void;
  _wasm_parse_query(ptr: number): number;
  _wasm_free_string(ptr: number): void;
  lengthBytesUTF8(text: string): number;
  stringToUTF8(text: string, ptr: number, size: number): void;
  UTF8ToString(ptr: number): string;
}

let module: LibpgModule | undefined;
let loading: Promise<void> | undefined;

/**
 * WebAssembly here (this parser, and PGlite when embedded) runs on V8's baseline compiler
 * only. Optimising it costs about 45 MB of memory that is never given back, for no gain on
 * statements this short; the server's memory stays bounded instead. MCPKIT_WASM_TIERUP=1
 * keeps V8's default (faster long scans in the embedded database, more memory).
 */
export function limitWasmTiering(): void {
  if (process.env.MCPKIT_WASM_TIERUP !== '1') v8.setFlagsFromString('--liftoff-only');
}

export function loadLibpg(): Promise<void> {
  loading ??= (async () => {
    limitWasmTiering();
    const require = createRequire(import.meta.url);
    const factory = require('@pgsql/parser/wasm/libpg-query.js') as
      | (() => Promise<LibpgModule>)
      | { default: () => Promise<LibpgModule> };
    module = await (typeof factory === 'function' ? factory() : factory.default());
  })();
  return loading;
}

/** The parse tree as JSON, or throws the parser's message (e.g. `syntax error at or near "x"`). */
export function parseToJson(sql: string): unknown {
  if (!module) throw new Error('The SQL parser is not loaded yet');
  const size = module.lengthBytesUTF8(sql) + 1;
  const input = module._malloc(size);
  let output = 0;
  try {
    module.stringToUTF8(sql, input, size);
    output = module._wasm_parse_query(input);
    const answer = module.UTF8ToString(output);
    if (answer.startsWith('{')) return JSON.parse(answer);
    throw new Error(answer);
  } finally {
    module._free(input);
    if (output) module._wasm_free_string(output);
  }
}
