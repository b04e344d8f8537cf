import type { ServerDeclaration } from './declaration.js';

export class UnknownServerError extends Error {
  override readonly name = 'UnknownServerError';
  constructor(name: string, known: readonly string[]) {
    super(`Unknown server "${name}". Built-in servers: ${known.join(', ') || '(none)'}`);
  }
}

/** The servers one program knows, by name: no global registry, the program passes its own list. */
export class ServerCatalog {
  readonly #byName = new Map<string, ServerDeclaration>();

  constructor(declarations: readonly ServerDeclaration[] = []) {
    this.add(declarations);
  }

  /** Adds declarations (a program may load them on demand); a name declared twice is an error. */
  add(declarations: readonly ServerDeclaration[]): void {
    for (const declaration of declarations) {
      const known = this.#byName.get(declaration.name);
      if (known === declaration) continue;
      if (known) throw new Error(`Two servers are declared as "${declaration.name}"`);
      this.#byName.set(declaration.name, declaration);
    }
  }

  find(name: string): ServerDeclaration | undefined {
    return this.#byName.get(name);
  }

  /** The declaration, or an UnknownServerError listing the known names. */
  get(name: string): ServerDeclaration {
    const found = this.#byName.get(name);
    if (!found) throw new UnknownServerError(name, this.names());
    return found;
  }

  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  list(): ServerDeclaration[] {
    return this.names().map((name) => this.#byName.get(name)!);
  }
}
