import { afterEach, describe, expect, it } from 'vitest';
import { type FakeModelApi, startFakeModelApi } from './index.js';

const apis: FakeModelApi[] = [];
afterEach(() => Promise.all(apis.splice(0).map((a) => a.close())));

const ask = (api: FakeModelApi) =>
  fetch(`${api.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-test', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('the fake model API with failFirst', () => {
  it('fails the first K model requests like `fail`, then plays its script', async () => {
    const api = await startFakeModelApi({ failFirst: { status: 429, count: 2 } });
    apis.push(api);
    // claude's reachability check is no model request: it neither fails nor counts.
    expect((await fetch(api.url, { method: 'HEAD' })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await ask(api);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('20');
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    }
    const ok = await ask(api);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('event: message_stop');
    expect(api.requests.map((r) => r.reply)).toEqual(['429', '429', 'side request']);
  });

  it('answers in the format of the API asked (OpenAI for /v1/responses)', async () => {
    const api = await startFakeModelApi({ failFirst: { status: 429, count: 1 } });
    apis.push(api);
    const res = await fetch(`${api.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', input: 'hi' }),
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });
});
