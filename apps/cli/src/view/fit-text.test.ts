import { describe, expect, it } from 'vitest';
import { clip, headOf, padTo, widthOf } from './fit-text.js';
import { wrap } from './status-detail.js';

describe('terminal columns, not characters', () => {
  it('counts CJK and emoji as two columns, combining marks as none', () => {
    expect(widthOf('abc')).toBe(3);
    expect(widthOf('日本語')).toBe(6);
    expect(widthOf('🚀 ok')).toBe(5);
    expect(widthOf('é')).toBe(1);
  });

  it('clips to the width, never splitting a character, with an ellipsis', () => {
    expect(clip('セッションストアをRedisに移すべきですか', 12)).toBe('セッション…');
    expect(widthOf(clip('セッションストアをRedisに移すべきですか', 12))).toBeLessThanOrEqual(12);
    expect(clip('deploy 🚀🚀🚀🚀', 10)).toBe('deploy 🚀…');
    expect(clip('short', 10)).toBe('short');
    expect(headOf('👨‍👩‍👧 family', 2)).toBe('👨‍👩‍👧');
  });

  it('pads to the width in columns', () => {
    expect(padTo('日本', 6)).toBe('日本  ');
    expect(widthOf(padTo('日本', 6))).toBe(6);
  });

  it('wraps by columns: no line of a wrapped question is wider than the width', () => {
    const lines = wrap('データベースはPostgresのままにしますか、それともRedisに移しますか？ 🚀 はい', 20);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(widthOf(line)).toBeLessThanOrEqual(20);
    // Nothing lost: only the spaces the lines were broken at are gone.
    expect(lines.join('').replace(/ /g, '')).toBe(
      'データベースはPostgresのままにしますか、それともRedisに移しますか？🚀はい',
    );
  });
});
