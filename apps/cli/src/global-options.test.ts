import { describe, expect, it } from 'vitest';
import { takeGlobalOptions } from './global-options.js';

describe('takeGlobalOptions', () => {
  it('takes every leading -C DIR, in order, and leaves the rest', () => {
    expect(takeGlobalOptions(['-C', 'api', '-C', 'sub', 'status', '--json'])).toEqual({
      directories: ['api', 'sub'],
      rest: ['status', '--json'],
    });
    expect(takeGlobalOptions(['-C', '/w', 'fix', 'the', 'bug'])).toEqual({
      directories: ['/w'],
      rest: ['fix', 'the', 'bug'],
    });
  });

  it('leaves a -C after the command name to the command', () => {
    expect(takeGlobalOptions(['run', '-C', 'x'])).toEqual({ directories: [], rest: ['run', '-C', 'x'] });
  });

  it('refuses -C without a directory', () => {
    expect(() => takeGlobalOptions(['-C'])).toThrow(/-C: name the directory/);
    expect(() => takeGlobalOptions(['-C', ''])).toThrow(/-C: name the directory/);
  });
});
