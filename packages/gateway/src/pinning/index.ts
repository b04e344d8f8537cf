export { CatalogCache, type CatalogEntry } from './catalog.js';
export { type Pin, type PinnableTool, PinStore, type PinVerdict, toolFingerprint } from './pins.js';
