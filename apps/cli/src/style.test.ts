import { describe, expect, it } from 'vitest';
import { colorEnabled, createStyle } from './style.js';

describe('colorEnabled', () => {
  it('colours only a TTY without NO_COLOR on a capable terminal', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    // no-color.org: an empty NO_COLOR does not count.
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });
});

describe('createStyle', () => {
  it('wraps text in SGR codes only when enabled', () => {
    expect(createStyle(true).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(createStyle(false).red('x')).toBe('x');
    expect(createStyle(false).bold('x')).toBe('x');
  });
});
