import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.js';
import { listRegistrations, registerTask, workspaceKey } from './registry.js';

describe('the task registry', () => {
  it("keys a workspace by node's own sha256 of its path, so registrations of earlier versions still count", () => {
    for (const dir of ['/home/me/api/.dispatch', '/home/ü/ünïcode/.dispatch', ''])
      expect(workspaceKey(dir)).toBe(createHash('sha256').update(dir).digest('hex').slice(0, 16));
  });

  it('lists what was registered, but for what the caller already knows', async () => {
    const home = await tempDir();
    const registration = { id: 'a', dispatchDir: '/w/.dispatch', cwd: '/w', env: {}, registeredAt: 'now' };
    await registerTask(home, registration);
    await registerTask(home, { ...registration, id: 'b', dispatchDir: '/other/.dispatch' });
    expect((await listRegistrations(home)).map((r) => r.id).sort()).toEqual(['a', 'b']);
    expect(
      (await listRegistrations(home, (key, id) => key === workspaceKey('/w/.dispatch') && id === 'a')).map((r) => r.id),
    ).toEqual(['b']);
  });
});
