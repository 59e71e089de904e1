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
}
