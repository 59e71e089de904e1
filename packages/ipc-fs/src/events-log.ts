// Protocol files are tiny: read them with sync I/O, several times cheaper than fs/promises.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isTaskEventType, isWellFormedEvent, type LogEvent, type TaskEvent } from '@dispatch/core';
import { diskWriteError, isErrno } from './errors.js';
import { FILE_LIMITS, READ_FLAGS, readDataFileSync } from './safe-read.js';

const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

/** One line of `events.jsonl`: `{"seq":1,"at":"<ISO time, ms>","type":"<event>",...facts}`. */
export interface LoggedEvent {
  seq: number;
  at: string;
  type: string;
  [fact: string]: unknown;
}

/** What reading a log found: its events, and what it had to skip. */
export interface EventLogRead {
  events: LoggedEvent[];
  /** The last line was cut short (a writer died mid-append); it was skipped. */
  torn: boolean;
  /** Lines that were not log events (skipped, never fatal). */
  skipped: number;
  /**
   * Events of a type this version does not know (a newer dispatch wrote them), with their line
   * numbers: they are in `events`, and replay skips them; readers should warn, never fail.
   */
  unknown: { line: number; type: string }[];
  /** Lines of a known type without the facts it carries (a damaged log): skipped, for readers to warn of. */
  malformed: { line: number; type: string }[];
}

/** The log lines that are not machine events: the first line and the notes for readers. */
export const LOG_NOTE_TYPES: readonly string[] = [
  'task.created',
  'state.entered',
  'note.added',
  'note.restored',
  'request.refused',
];
const NOTE_TYPES = new Set(LOG_NOTE_TYPES);

/** True for an event type this version of dispatch writes (a machine event or a note). */
export function isKnownLogType(type: string): boolean {
  return isTaskEventType(type) || NOTE_TYPES.has(type);
}

function asLogged(line: string): LoggedEvent | null {
  try {
    const value = JSON.parse(line) as Partial<LoggedEvent> | null;
    if (!value || typeof value !== 'object' || typeof value.type !== 'string') return null;
    if (typeof value.seq !== 'number' || typeof value.at !== 'string' || Number.isNaN(Date.parse(value.at)))
      return null;
    return value as LoggedEvent;
  } catch {
    return null;
  }
}

/**
 * Reads a task's event log, tolerating a torn last line and skipping lines that are not events.
 * A missing log reads as empty.
 * @example const { events } = await readEventLog(paths.events)
 */
export async function readEventLog(path: string): Promise<EventLogRead> {
  return parseEventLog(readLogText(path));
}

/** `readEventLog`, synchronously (a cached derivation reads its log only when asked for it). */
export function readEventLogSync(path: string): EventLogRead {
  return parseEventLog(readLogText(path));
}

/** The log's text, empty while it does not exist. */
function readLogText(path: string): string {
  try {
    return readDataFileSync(path, { limit: FILE_LIMITS.log });
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return '';
    throw err;
  }
}

/** Whether the file at `path`, `size` bytes long, ends without a newline (a torn last line). */
async function endsMidLine(path: string, size: number): Promise<boolean> {
  if (size === 0) return false;
  const handle = await open(path, READ_FLAGS);
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** A log's lines as events, skipping what is not one and a torn last line. */
function parseEventLog(text: string): EventLogRead {
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const events: LoggedEvent[] = [];
  const unknown: EventLogRead['unknown'] = [];
  const malformed: EventLogRead['malformed'] = [];
  let skipped = 0;
  const take = (event: LoggedEvent, index: number) => {
    if (!isWellFormedEvent({ ...event, at: Date.parse(event.at) })) {
      malformed.push({ line: index + 1, type: event.type });
      skipped += 1;
      return;
    }
    events.push(event);
    if (!isKnownLogType(event.type)) unknown.push({ line: index + 1, type: event.type });
  };
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const event = asLogged(line);
    if (event) take(event, index);
    else skipped += 1;
  });
  // A last line without its newline is complete only if it parses; else a writer died mid-line.
  const tail = last.trim() === '' ? null : asLogged(last);
  if (tail) take(tail, lines.length);
  return { events, torn: last.trim() !== '' && tail === null, skipped, unknown, malformed };
}

/** Log lines as machine events: times back to epoch ms (the machine keeps deadlines in ms). */
export function toMachineEvents(events: readonly LoggedEvent[]): LogEvent[] {
  return events.map(({ seq: _seq, at, ...facts }) => ({ ...facts, at: Date.parse(at) }) as LogEvent);
}

/** An event to append: a type, the moment of its fact (epoch ms), and its facts. */
export type NewLogEvent = { type: string; at: number } & Record<string, unknown>;

/**
 * The one writer of a task's `events.jsonl`. Appends are serialized, numbered, and fsynced before
 * they resolve; a torn last line left by a killed writer is fenced off by a newline first.
 */
export class EventLogWriter {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private lastSeq: number,
    /** The log ends mid-line (a torn write), to fence off first; undefined: look at the first append. */
    private needsNewline: boolean | undefined,
  ) {}

  /** Opens the log at `path` (created on first append), continuing its numbering. */
  static async open(path: string): Promise<EventLogWriter> {
    const text = readLogText(path);
    const { events } = parseEventLog(text);
    const lastSeq = events.reduce((max, e) => Math.max(max, e.seq), 0);
    return new EventLogWriter(path, lastSeq, text !== '' && !text.endsWith('\n'));
  }

  /**
   * Continues the log at `path` whose events the caller has just read (`readEventLog`'s, as
   * `deriveTaskState` returns them) and that nobody else appends to: no second read of it.
   */
  static continue(path: string, events: readonly LoggedEvent[]): EventLogWriter {
    return new EventLogWriter(
      path,
      events.reduce((max, e) => Math.max(max, e.seq), 0),
      undefined,
    );
  }

  /** The seq of the last event written. */
  get seq(): number {
    return this.lastSeq;
  }

  /** Appends one event durably and returns the line as written. */
  async append(event: NewLogEvent | TaskEvent): Promise<LoggedEvent> {
    const [line] = await this.appendAll([event]);
    return line as LoggedEvent;
  }

  /**
   * Appends events in one write (an event and the state note it caused land together or not at
   * all when the process is killed), durably; returns the lines as written.
   */
  appendAll(events: readonly (NewLogEvent | TaskEvent)[]): Promise<LoggedEvent[]> {
    const run = this.queue.then(() => this.write(events as readonly NewLogEvent[]));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every append made so far is on disk (or has failed). */
  async flush(): Promise<void> {
    await this.queue;
  }

  private async write(events: readonly NewLogEvent[]): Promise<LoggedEvent[]> {
    const logged = events.map(
      ({ type, at, ...facts }, i): LoggedEvent => ({
        seq: this.lastSeq + 1 + i,
        at: new Date(at).toISOString(),
        type,
        ...facts,
      }),
    );
    // Never through a planted link: appended to, its target would take dispatch's log lines.
    const handle = await open(this.path, APPEND_FLAGS, 0o644).catch((err: unknown) => {
      throw diskWriteError(err, this.path);
    });
    const sizeBefore = (await handle.stat()).size;
    try {
      this.needsNewline ??= await endsMidLine(this.path, sizeBefore);
      const line = `${this.needsNewline ? '\n' : ''}${logged.map((l) => `${JSON.stringify(l)}\n`).join('')}`;
      await handle.write(line);
      await handle.datasync();
    } catch (err) {
      // Part of the lines may be on disk (ENOSPC, EIO): cut them off, or at least fence them off
      // so the next event starts a line of its own.
      await handle.truncate(sizeBefore).then(
        () => undefined,
        () => (this.needsNewline = true),
      );
      throw diskWriteError(err, this.path);
    } finally {
      await handle.close();
    }
    this.lastSeq += logged.length;
    this.needsNewline = false;
    return logged;
  }
}
