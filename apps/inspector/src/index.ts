// @dispatch/inspector: the inspector's local web server, as `dispatch inspect` starts it. Its page is
// built by Vite into dist/ui; `./testing` holds the task fixtures its tests and the CLI's use.
export { startInspector } from './server/http-server.js';
export type { Inspector } from './server/http-server.js';
export { newToken } from './server/request-guard.js';
export { TOKEN_HEADER } from './server/request-guard.js';
export { inspectorUiDir } from './server/ui-dir.js';
