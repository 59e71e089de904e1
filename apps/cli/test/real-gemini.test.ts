import { expect, it } from 'vitest';
import { describeRealCli, expectContinuedTaskResumes, REAL_CLI_TEST_TIMEOUT } from './real-clis.js';

// The real Gemini CLI (DISPATCH_REAL_CLIS_DIR) runs a dispatch task against a scripted fake
// Gemini API on loopback: no network, no account.
describeRealCli('gemini', (ctx) => {
  it(
    "a continued task resumes the first attempt's gemini session (--resume <session_id>)",
    async () => {
      // Its stream-json init line names the session.
      const api = await expectContinuedTaskResumes(ctx, {
        backend: 'gemini',
        model: 'gemini-2.5-pro',
        session: /"type":"init".*?"session_id":"([^"]+)"/,
        firstCallId: 'gem_fake_s1_t0',
      });
      for (const r of api.requests.filter((q) => q.reply.startsWith('step'))) expect(r.model).toBe('gemini-2.5-pro');
    },
    REAL_CLI_TEST_TIMEOUT,
  );
});
