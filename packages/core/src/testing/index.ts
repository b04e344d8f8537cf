export { type ConnectOptions, connect, ERAS, type TestClient } from './connect.js';
export { createTestContext, type TestContextOptions } from './context.js';
export { resultText } from './result.js';
export { checkToolSnapshots } from './toolsnaps.js';
