import { describe, expect, it } from 'vitest';
import { parsePlan } from './parse.js';
import { renderPlan, serializePlan } from './serialize.js';

describe('renderPlan', () => {
  it('writes the heading, a blank line and one pending item per step at column 0', () => {
    expect(renderPlan('Security review', ['Scan for secrets', 'Write output.md'])).toBe(
      '# Security review\n\n- [ ] Scan for secrets\n- [ ] Write output.md\n',
    );
  });

  it('keeps the steps in order and parses back to them', () => {
    const steps = ['b — with a dash', 'a', '  padded  ', '[x] looks done', '```'];
    const plan = parsePlan(renderPlan('T', steps));
    expect(plan.items.map((i) => [i.text, i.mark, i.indent])).toEqual([
      ['b — with a dash', 'pending', 0],
      ['a', 'pending', 0],
      ['padded', 'pending', 0],
      ['[x] looks done', 'pending', 0],
      ['```', 'pending', 0],
    ]);
  });

  it('flattens line breaks in the title', () => {
    expect(renderPlan('Fix\r\n  the\rlogin\n\nbug\n', ['a'])).toBe('# Fix the login bug\n\n- [ ] a\n');
  });

  it('writes only the heading when there are no steps', () => {
    expect(renderPlan('Empty', [])).toBe('# Empty\n');
  });

  it('refuses a step with a line break or with no text', () => {
    for (const step of ['a\nb', 'a\r\nb', 'a\rb']) {
      expect(() => renderPlan('T', ['ok', step])).toThrow(expect.objectContaining({ code: 'malformed-plan' }));
    }
    expect(() => renderPlan('T', ['  '])).toThrow(/step 1 is empty/);
  });
});

describe('serializePlan', () => {
  it('gives back the parsed text, byte for byte', () => {
    const text = '# T\r\n- [x] a — b\r\n  weird   spacing\t\n- [?] q\n  > **Blocker:** x\r- [';
    expect(serializePlan(parsePlan(text))).toBe(text);
  });

  it('writes what the lines say, not the items', () => {
    const plan = parsePlan('- [ ] a\n');
    expect(serializePlan({ ...plan, lines: [...plan.lines, { text: 'b', eol: '', kind: 'text' }] })).toBe('- [ ] a\nb');
  });
});
