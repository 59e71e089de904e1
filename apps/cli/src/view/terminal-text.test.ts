import { describe, expect, it } from 'vitest';
import { escapeControls } from './terminal-text.js';

describe('escapeControls', () => {
  it('shows escapes, bells, carriage returns, C1 controls and bidi overrides as visible text', () => {
    expect(escapeControls('\x1b]52;c;cHduZWQ=\x07done\r\x9b2K\u202eevil')).toBe(
      '\\x1b]52;c;cHduZWQ=\\x07done\\x0d\\x9b2K\\u202eevil',
    );
  });

  it('keeps newlines, tabs and ordinary text, accents and emoji included', () => {
    const text = 'line 1\n\tline 2 — café ✓ 🚀';
    expect(escapeControls(text)).toBe(text);
  });
});
