export { dispatchHome, configPath } from './home.js';
