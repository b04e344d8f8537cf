export { byteLength, formatBytes, truncateUtf8 } from './truncate.js';
