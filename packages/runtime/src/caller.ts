/** Who asks the runtime for something: a CLI command, an app embedding dispatch. */
export interface Caller {
  readonly env: NodeJS.ProcessEnv;
  /** Where the caller runs: its workspace is found from here. */
  readonly cwd: string;
  /**
   * The dispatch executable the daemon runs as and workers call (`$DISPATCH_BIN ask`): the CLI
   * passes itself; an embedding app leaves it out and gets the runtime's own (see runtimeBin).
   */
  readonly bin?: string | undefined;
  /**
   * Whether file writes block the caller's thread instead of going through the thread pool: for a
   * command that exits in milliseconds (the CLI), where each of `run`'s thirty-odd file calls would
   * otherwise cost a round trip. An app leaves it out: its event loop turns during an fsync.
   */
  readonly blockingWrites?: boolean | undefined;
}
