import { describe, expect, it } from 'vitest';
import { EVENT_BURST, ScanCadence } from './scan-cadence.js';

describe('ScanCadence', () => {
  it('is always due without a working watcher', () => {
    const c = new ScanCadence(5_000, 60_000);
    c.fullScanStarts(0);
    expect(c.fullDue(1, false)).toBe(true);
  });

  it('waits the quiet gap after a full scan with nothing suspect', () => {
    const c = new ScanCadence(5_000, 60_000);
    expect(c.fullDue(0, true)).toBe(true); // none yet
    c.fullScanStarts(0);
    expect(c.fullDue(59_999, true)).toBe(false);
    expect(c.fullDue(60_000, true)).toBe(true);
  });

  it('comes back to the base period after a burst, until one full scan passed quietly', () => {
    const c = new ScanCadence(5_000, 60_000);
    c.fullScanStarts(0);
    for (let i = 1; i < EVENT_BURST; i++) c.event();
    expect(c.fullDue(5_000, true)).toBe(false); // many events, but not a burst
    c.event();
    expect(c.fullDue(5_000, true)).toBe(true);
    c.fullScanStarts(5_000);
    expect(c.fullDue(10_000, true)).toBe(true); // one more at the base period
    c.fullScanStarts(10_000);
    expect(c.fullDue(15_000, true)).toBe(false);
    expect(c.fullDue(70_000, true)).toBe(true);
  });

  it('counts events from each full scan on', () => {
    const c = new ScanCadence(5_000, 60_000);
    c.fullScanStarts(0);
    for (let i = 1; i < EVENT_BURST; i++) c.event();
    c.fullScanStarts(60_000);
    c.event();
    expect(c.fullDue(65_000, true)).toBe(false);
  });

  it('takes any other hint of a loss as a burst', () => {
    const c = new ScanCadence(5_000, 60_000);
    c.fullScanStarts(0);
    c.mayHaveLost();
    expect(c.fullDue(5_000, true)).toBe(true);
  });
});
