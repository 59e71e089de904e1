import { DispatchError } from '@dispatch/runtime';

/** A host's config file that does not parse: exit 2, one line naming the file and line. */
export function malformedConfig(file: string, line: number, what: string): DispatchError {
  return new DispatchError('input', `${file}:${line}: ${what}; fix it, then install again (nothing was written)`, {
    reason: 'malformed-host-config',
    file,
    line,
  });
}

/** The 1-based line of a character offset in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
