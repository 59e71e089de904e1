import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMissingModel, editConfig, findMissingModel, loadConfig, resolveModel } from '../index.js';

const reference = new URL('../../test/fixtures/reference.yaml', import.meta.url).pathname;

async function referenceCopy() {
  const path = join(mkdtempSync(join(tmpdir(), 'dispatch-missing-')), 'config.yaml');
  copyFileSync(reference, path);
  return { path, config: (await loadConfig(path)).config };
}

describe('a model named in a directive but missing from the config', () => {
  it('is found with the backend that can serve it', async () => {
    const { config } = await referenceCopy();
    expect(findMissingModel(config, 'use gpt-5.4 to review the auth module', { codex: true }, [])).toEqual({
      id: 'gpt-5.4',
      backend: 'codex',
    });
    expect(findMissingModel(config, 'use sonnet-4.6 for this', { claude: true }, [])).toEqual({
      id: 'sonnet-4.6',
      backend: 'claude',
    });
    expect(findMissingModel(config, 'have grok-4 write the tests', { cursor: true }, ['grok-4'])).toEqual({
      id: 'grok-4',
      backend: 'cursor',
    });
  });

  it('is nothing when the prompt names a configured model or none', async () => {
    const { config } = await referenceCopy();
    expect(findMissingModel(config, 'use sonnet to review', { claude: true }, [])).toBeNull();
    expect(findMissingModel(config, 'review the codex backend', { codex: true }, [])).toBeNull();
  });

  it('is "not available" when no installed CLI serves it', async () => {
    const { config } = await referenceCopy();
    expect(() => findMissingModel(config, 'use grok-4 to review', { claude: true }, [])).toThrow(
      /grok-4 is not available/,
    );
  });

  it('is added to the config (with its backend when missing), after which the prompt resolves to it', async () => {
    const { path, config } = await referenceCopy();
    const missing = findMissingModel(config, 'use gemini-2.5-pro to summarise', { gemini: true }, []);
    expect(missing).toEqual({ id: 'gemini-2.5-pro', backend: 'gemini' });
    await editConfig(path, (doc) => addMissingModel(doc, missing!));
    expect(readFileSync(path, 'utf8')).toMatch(/gemini-2\.5-pro: \{ backend: gemini \}/);
    const after = (await loadConfig(path)).config;
    expect(after.backends.gemini?.command).toBe('gemini --yolo --skip-trust');
    expect(resolveModel({ config: after, prompt: 'use gemini-2.5-pro to summarise' })).toMatchObject({
      model: 'gemini-2.5-pro',
      via: 'directive',
    });
  });
});
