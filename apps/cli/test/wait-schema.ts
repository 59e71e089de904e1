import { readFileSync } from 'node:fs';

/** The documented format of `wait --json` lines, read from docs/events.md so doc and output cannot drift. */
export interface LineSchema {
  common: Map<string, string>;
  types: Map<string, { states: string[]; fields: Map<string, string> }>;
}
/** The common fields and, per type, the states and extra fields, from docs/events.md's tables. */
export function documentedSchema(): LineSchema {
  const doc = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');
  const section = doc.split('## `wait --json` lines')[1]?.split('\n## ')[0] ?? '';
  const rows = (first: string) => {
    const lines = section.split('\n');
    const at = lines.findIndex((l) => l.startsWith(`| ${first} |`));
    const body: string[][] = [];
    for (const line of lines.slice(at + 2)) {
      if (!line.startsWith('|')) break;
      body.push(
        line
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim()),
      );
    }
    return at < 0 ? [] : body;
  };
  const name = (cell: string) => cell.replace(/`/g, '');
  const common = new Map(rows('field').map(([field, type]) => [name(field!), type!]));
  const types = new Map(
    rows('type').map(([type, states, fields]) => [
      name(type!),
      {
        states: states!.split(',').map((s) => name(s.trim())),
        fields: new Map(
          fields === '—'
            ? []
            : fields!.split(/,\s*(?=`)/).map((f) => {
                const m = /^`(\w+)` (.+)$/.exec(f.trim());
                return [m?.[1] ?? f, m?.[2] ?? '?'] as [string, string];
              }),
        ),
      },
    ]),
  );
  return { common, types };
}

function hasType(value: unknown, type: string): boolean {
  if (type.endsWith(' or null')) return value === null || hasType(value, type.slice(0, -' or null'.length));
  if (type === 'string[]') return Array.isArray(value) && value.every((v) => typeof v === 'string');
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return ['string', 'number'].includes(type) && typeof value === type;
}

/** What is wrong with a line by the documented schema: missing, mistyped or undocumented fields. */
export function schemaErrors(line: Record<string, unknown>, schema: LineSchema): string[] {
  const type = schema.types.get(String(line.type));
  if (!type) return [`undocumented type ${String(line.type)}`];
  const fields = new Map([...schema.common, ...type.fields]);
  const errors = [...fields].filter(([k, t]) => !hasType(line[k], t)).map(([k, t]) => `${k} is not ${t}`);
  errors.push(
    ...Object.keys(line)
      .filter((k) => !fields.has(k))
      .map((k) => `undocumented field ${k}`),
  );
  if (line.v !== 1) errors.push('v is not 1');
  if (!type.states.includes(String(line.state)))
    errors.push(`state ${String(line.state)} is not documented for ${String(line.type)}`);
  return errors;
}
