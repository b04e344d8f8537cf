export { createCalculatorServer } from './calculator/server.js';
export { type CatalogData, DEFAULT_DATA_DIR, loadCatalog } from './catalog/data.js';
export { createCatalogServer } from './catalog/server.js';
export { codeReviewPrompt, createCodeReviewServer } from './code-review/prompt.js';
