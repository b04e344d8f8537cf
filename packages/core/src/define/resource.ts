import type { ReadResourceResult, Resource } from '@modelcontextprotocol/server';
import type { HandlerContext } from './context.js';
import { assertName } from './tool.js';

export interface ResourceMetadata {
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** Set by compose: the namespace prefix of this resource's server. */
  servedPrefix?: string;
}

/** A resource at one fixed URI. */
export interface ResourceDefinition extends ResourceMetadata {
  readonly kind: 'resource';
  readonly uri: string;
  readonly read: (uri: URL, ctx: HandlerContext) => Promise<ReadResourceResult> | ReadResourceResult;
}

export interface ResourcePage {
  resources: Resource[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  nextCursor?: string;
}

/** A family of resources under an RFC 6570 URI template, e.g. `file://{+path}`. */
export interface ResourceTemplateDefinition extends ResourceMetadata {
  readonly kind: 'resourceTemplate';
  readonly uriTemplate: string;
  /** Enumerates instances, one page at a time; omit when the set is unbounded. */
  readonly list?: (ctx: HandlerContext, cursor?: string) => Promise<ResourcePage> | ResourcePage;
  /** Completions for template variables. */
  readonly complete?: Record<string, (value: string) => Promise<string[]> | string[]>;
  readonly read: (
    uri: URL,
    variables: Record<string, string | string[]>,
    ctx: HandlerContext,
  ) => Promise<ReadResourceResult> | ReadResourceResult;
}

export type AnyResourceDefinition = ResourceDefinition | ResourceTemplateDefinition;

export function defineResource(spec: Omit<ResourceDefinition, 'kind'>): ResourceDefinition {
  assertName('resource', spec.name);
  new URL(spec.uri); // a resource URI must parse; fail at definition time, not at read time
  return Object.freeze({ kind: 'resource' as const, ...spec });
}

export function defineResourceTemplate(
  spec: Omit<ResourceTemplateDefinition, 'kind'>,
): ResourceTemplateDefinition {
  assertName('resource template', spec.name);
  if (!/\{[^}]+\}/.test(spec.uriTemplate)) {
    throw new TypeError(`Resource template "${spec.name}" has no {variable} in "${spec.uriTemplate}"`);
  }
  return Object.freeze({ kind: 'resourceTemplate' as const, ...spec });
}

/** A text (or JSON) resource body for `uri`. */
export function textContents(uri: URL | string, text: string, mimeType = 'text/plain'): ReadResourceResult {
  return { contents: [{ uri: typeof uri === 'string' ? uri : uri.href, mimeType, text }] };
}
