export { startFakeModelApi, closedPort, DEFAULT_QUESTION, type FakeModelApi, type FakeApiBehaviour, type SeenRequest } from './server.js';
export { protocolScript, GREETING_FILE, type AskVia, type ScriptStep } from './worker-script.js';
export type { FailureStatus } from './error-replies.js';
