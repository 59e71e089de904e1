import type { ConfigReader, Field } from './reader.js';
import { quote } from './wording.js';

/** What model ids (and alias, agent and backend names) look like: DESIGN.md's worker contract. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;

/** Checks an entry's name against MODEL_ID_PATTERN, reporting `invalid <what> '<name>'` at its key. */
export function checkName(reader: ConfigReader, field: Field, what: string): boolean {
  if (MODEL_ID_PATTERN.test(field.name)) return true;
  const rule = 'use letters, digits and . _ : / @ + - and start with a letter or digit';
  reader.error(field.path, `invalid ${what} ${quote(field.name)}: ${rule}`, field.key);
  return false;
}
