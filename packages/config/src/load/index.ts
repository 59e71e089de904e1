export { readConfigText, decodeConfigBytes, MAX_CONFIG_BYTES } from './read-config-text.js';
export { parseConfigDocument, MAX_YAML_ALIASES, type ParsedConfigDocument } from './parse-config-document.js';
export { validateConfig, TOP_LEVEL_KEYS, type ConfigValidation } from './validate-config.js';
export { loadConfig, type LoadedConfig, type LoadConfigOptions } from './load-config.js';
export { MODEL_ID_PATTERN } from './names.js';
export { OLD_FORMAT_WARNING } from './read-models.js';
export { MAX_ANSWER_TIMEOUT } from './read-options.js';
