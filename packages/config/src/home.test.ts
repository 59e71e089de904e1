import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { configPath, dispatchHome } from './index.js';

describe('dispatchHome', () => {
  it('is $DISPATCH_HOME when set, resolved to an absolute path', () => {
    expect(dispatchHome({ DISPATCH_HOME: '/tmp/dispatch-home' })).toBe('/tmp/dispatch-home');
    expect(dispatchHome({ DISPATCH_HOME: 'rel' })).toBe(`${process.cwd()}/rel`);
  });

  it('defaults to ~/.dispatch, also when the variable is empty', () => {
    expect(dispatchHome({})).toBe(`${homedir()}/.dispatch`);
    expect(dispatchHome({ DISPATCH_HOME: '  ' })).toBe(`${homedir()}/.dispatch`);
  });

  it('puts config.yaml in it', () => {
    expect(configPath({ DISPATCH_HOME: '/h' })).toBe('/h/config.yaml');
  });
});
