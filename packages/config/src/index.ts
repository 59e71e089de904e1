export { dispatchHome, configPath } from './home.js';
export { ConfigError } from './errors.js';
export type { ConfigErrorCode } from './errors.js';
export { EXECUTOR_KINDS, KNOWN_BACKENDS, LOCAL_EXECUTOR } from './types.js';
export type {
  BackendKind,
  BackendConfig,
  ExecutorConfig,
  ExecutorKind,
  ModelConfig,
  AliasConfig,
  Limits,
  DispatchConfig,
  ConfigIssue,
  SourcePosition,
} from './types.js';
export {
  readConfigText,
  parseConfigDocument,
  validateConfig,
  loadConfig,
  MAX_CONFIG_BYTES,
  MODEL_ID_PATTERN,
  type ParsedConfigDocument,
  type ConfigValidation,
  type LoadedConfig,
} from './load/index.js';
export {
  findModelDirective,
  findUnknownModelDirective,
  findWorktreeDirective,
  type DirectiveMatch,
} from './resolve/directive.js';
export { modelArgsFor, shellCommandFor, posixQuote, type ModelArgs } from './resolve/model-args.js';
export {
  resolveModel,
  describeResolution,
  wantsSimModel,
  SIM_MODEL,
  type Resolution,
  type ResolutionSource,
  type ResolveModelInput,
} from './resolve/resolve-model.js';
export { editDistance, nearestName, findNearName } from './near-name.js';
export { parseAgentModels, type AgentModel } from './discover/agent-models.js';
export { CLAUDE_MODELS, CODEX_MODELS } from './discover/known-models.js';
export { routeModel, canServeModel, type InstalledClis, type KnownBackendKind } from './discover/route.js';
export { claudeFamily, modelFamily, type ModelFamily } from './discover/model-family.js';
export {
  detectClis,
  findExecutable,
  installedKinds,
  CLI_EXECUTABLES,
  type CliKind,
  type FoundClis,
} from './init/detect-clis.js';
export { editConfig, type EditResult, type ConfigMutation } from './edit/edit-config.js';
export { setDefault, addModel, removeModel, setAlias, addBackend } from './edit/mutations.js';
export { checkNewBackend, type NewBackend } from './edit/new-backend.js';
export { migrateConfig, migrateDocument } from './edit/migrate.js';
export { withConfigLock } from './edit/lock.js';
export {
  discoverModels,
  suggestedDefault,
  renderInitialConfig,
  BACKEND_COMMANDS,
  UNATTENDED,
  type FoundModel,
} from './init/initial-config.js';
export { findMissingModel, addMissingModel, type MissingModel } from './resolve/missing-model.js';
export { executorFor } from './resolve/executor-of.js';
export {
  BACKEND_FAILURES,
  backendExecutable,
  recoveryAlternatives,
  MODEL_FAILURES,
  type Alternative,
} from './recover/alternatives.js';
export { DEFAULT_QUOTA_COOLDOWN, DEFAULT_TIME_LIMIT } from './defaults.js';
export { findCommand } from './init/detect-clis.js';
