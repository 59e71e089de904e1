export {
  startFakeModelApi,
  closedPort,
  DEFAULT_QUESTION,
  type FakeModelApi,
  type FakeApiBehaviour,
  type FailFirst,
  type SeenRequest,
} from './server.js';
export {
  protocolScript,
  blockingScript,
  GREETING_FILE,
  type AskVia,
  type Conversation,
  type ScriptStep,
} from './worker-script.js';
export type { FailureStatus } from './error-replies.js';
