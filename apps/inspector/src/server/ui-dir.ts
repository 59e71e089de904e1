import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the built page is. Vite builds it into this package's `dist/ui/`; the CLI's build copies
 * that to `dist/inspector-ui/` beside its bundle (`dist/full.js`). So: from `src/server/` or
 * `dist/server/` `../../dist/ui/`, from the CLI's `dist/` `./inspector-ui/`. (`src/ui/index.html`
 * is Vite's source, never served.) Null when none is there (not built).
 */
export function inspectorUiDir(): string | null {
  for (const candidate of ['../../dist/ui/', './inspector-ui/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}
