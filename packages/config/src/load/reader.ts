import { isAlias, isMap, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';
import type { ConfigIssue } from '../types.js';
import { positionOf } from './positions.js';
import { didYouMean, plain, quote } from './wording.js';

/** One entry of a mapping: its name, dotted path, key node, value node (aliases resolved), and where to point. */
export interface Field {
  name: string;
  path: string;
  key: unknown;
  value: unknown;
  /** The node a message about this entry points at: the value, or the key when there is no value. */
  at: unknown;
}

/** Orders issues by line, then column; issues without a position go last. */
export function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  const line = (a.position?.line ?? Infinity) - (b.position?.line ?? Infinity);
  if (line !== 0 && !Number.isNaN(line)) return line;
  return (a.position?.col ?? 0) - (b.position?.col ?? 0);
}

/** True for a missing value, an empty value (`key:`) and `null`/`~`. */
export function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** How a node reads in a message: `a mapping`, `a list`, `the number 5`, `nothing`. */
export function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node) || node.value === null) return 'nothing';
  const value = node.value;
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the string ${quote(value)}`;
  if (typeof value === 'number') return `the number ${node.source ?? String(value)}`;
  if (typeof value === 'boolean') return `${String(value)} (a boolean)`;
  return 'a value of another type';
}

// Suggestions compare a name with every candidate; past this many, a hostile file would make that slow.
const MAX_SUGGESTIONS = 50;
// The parse check allows at most 100 alias nodes; resolving is linear, so keep a budget as well.
const MAX_ALIAS_RESOLUTIONS = 1000;

/** Reads a parsed config node by node, collecting errors and warnings with positions instead of throwing. */
export class ConfigReader {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  private aliasBudget = MAX_ALIAS_RESOLUTIONS;
  private suggestions = 0;

  constructor(readonly doc: Document.Parsed) {}

  /** Records an error `path: message` at `node`; `key` is the dotted key at fault (default `path`). */
  error(path: string, message: string, node: unknown, key = path): void {
    this.errors.push(this.issue(path, message, node, key));
  }

  /** Records a warning, like `error`. */
  warn(path: string, message: string, node: unknown, key = path): void {
    this.warnings.push(this.issue(path, message, node, key));
  }

  private issue(path: string, message: string, node: unknown, key: string): ConfigIssue {
    const issue: ConfigIssue = { message: path === '' ? message : `${path}: ${message}` };
    if (key !== '') issue.key = key;
    const position = positionOf(this.doc, node);
    if (position) issue.position = position;
    return issue;
  }

  /** ` (did you mean X?)` for a near candidate, or ''. */
  suggest(word: string, candidates: Iterable<string>): string {
    this.suggestions += 1;
    return this.suggestions > MAX_SUGGESTIONS ? '' : didYouMean(word, candidates);
  }

  /** The node an alias (`*name`) stands for; any other node as is. */
  resolve(node: unknown): unknown {
    if (!isAlias(node)) return node;
    this.aliasBudget -= 1;
    return this.aliasBudget < 0 ? undefined : node.resolve(this.doc);
  }

  /** The entries of a mapping by name; keys outside `known` (when given) are warned about and skipped. */
  fields(map: YAMLMap, path: string, known?: readonly string[]): Map<string, Field> {
    const fields = new Map<string, Field>();
    for (const pair of map.items) {
      const name = this.keyName(pair.key, path, map);
      if (name === undefined || fields.has(name)) continue;
      const fieldPath = path === '' ? plain(name) : `${path}.${plain(name)}`;
      if (known && !known.includes(name)) {
        this.warn(fieldPath, `unknown key, ignored${this.suggest(name, known)}`, pair.key);
        continue;
      }
      const value = this.resolve(pair.value);
      fields.set(name, { name, path: fieldPath, key: pair.key, value, at: isNull(value) ? pair.key : value });
    }
    return fields;
  }

  private keyName(keyNode: unknown, path: string, map: YAMLMap): string | undefined {
    const key = this.resolve(keyNode);
    if (isScalar(key) && (key.value === null || ['string', 'number', 'boolean'].includes(typeof key.value))) {
      const name = typeof key.value === 'string' ? key.value : (key.source ?? String(key.value));
      if (name !== '') return name;
    }
    this.error(path, `keys must be names, not ${isNull(key) ? 'empty' : describe(key)}`, keyNode ?? map);
    return undefined;
  }

  /**
   * The items of a list `field` as fields of their own (`path[i]`, positioned at the item), or
   * undefined after an error saying `expected`.
   */
  list(field: Field, expected: string): Field[] | undefined {
    if (!isSeq(field.value)) {
      this.error(field.path, `expected ${expected}, got ${describe(field.value)}`, field.at);
      return undefined;
    }
    return field.value.items.map((item, index) => {
      const value = this.resolve(item);
      return {
        name: String(index),
        path: `${field.path}[${index}]`,
        key: item,
        value,
        at: isNull(value) ? (item ?? field.at) : value,
      };
    });
  }

  /** The value of `field` as a mapping, or undefined after an error saying `expected`. */
  mapping(field: Field, expected: string): YAMLMap | undefined {
    if (isMap(field.value)) return field.value;
    this.error(field.path, `expected ${expected}, got ${describe(field.value)}`, field.at);
    return undefined;
  }

  /** An optional section (`models:` with nothing under it is empty): its mapping, or undefined. */
  section(field: Field | undefined, expected: string): YAMLMap | undefined {
    if (field === undefined || isNull(field.value)) return undefined;
    return this.mapping(field, expected);
  }

  /** The value of `field` as a string (no NUL characters), or undefined after an error. */
  string(field: Field, expected: string): string | undefined {
    const value = isScalar(field.value) ? field.value.value : undefined;
    if (typeof value !== 'string') {
      this.error(field.path, `expected ${expected}, got ${describe(field.value)}`, field.at);
      return undefined;
    }
    if (value.includes('\0')) {
      this.error(field.path, 'contains a NUL character', field.at);
      return undefined;
    }
    return value;
  }

  /** A key that must hold a non-empty string; a missing one is reported at its parent's key. */
  required(
    field: Field | undefined,
    parent: { path: string; key: unknown },
    name: string,
    expected: string,
  ): string | undefined {
    if (field === undefined || isNull(field.value)) {
      const key = parent.path === '' ? name : `${parent.path}.${name}`;
      const [path, message] = parent.path === '' ? [name, 'missing'] : [parent.path, `missing ${name}`];
      this.error(path, `${message}: expected ${expected}`, field?.key ?? parent.key, key);
      return undefined;
    }
    const value = this.string(field, expected);
    if (value !== undefined && value.trim() === '') {
      this.error(field.path, `is empty: expected ${expected}`, field.at);
      return undefined;
    }
    return value;
  }
}
