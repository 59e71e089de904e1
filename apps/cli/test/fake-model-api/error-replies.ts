/** The statuses the fake API can be told to fail every model request with. */
export type FailureStatus = 401 | 403 | 404 | 429;

/** Which API's error format to answer in. */
export type ApiFlavour = 'anthropic' | 'openai';

// The bodies the real APIs send (as in packages/backends/test/fixtures/cli-output/record/server.mjs).
const BODIES: Record<ApiFlavour, (status: FailureStatus, model: string) => object> = {
  anthropic: (status, model) =>
    ({
      401: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
      403: {
        type: 'error',
        error: {
          type: 'permission_error',
          message:
            'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        },
      },
      404: { type: 'error', error: { type: 'not_found_error', message: `model: ${model}` } },
      429: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'This request would exceed the rate limit for your organization of 50 requests per minute.',
        },
      },
    })[status],
  openai: (status, model) =>
    ({
      401: {
        error: {
          message:
            'Incorrect API key provided: sk-dummy. You can find your API key at https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
      403: {
        error: {
          message: 'You are not allowed to access this model. Your organization must be verified.',
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_allowed',
        },
      },
      404: {
        error: {
          message: `The model \`${model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      },
      429: {
        error: {
          message: 'Rate limit reached for requests. Please try again in 20s.',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    })[status],
};

/** One error reply: status, headers (a 429 carries retry-after and the reset headers) and body. */
export function errorReply(flavour: ApiFlavour, status: FailureStatus, model: string, now = Date.now()) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': 'req_fake' };
  if (status === 429) {
    headers['retry-after'] = '20';
    headers['anthropic-ratelimit-requests-reset'] = new Date(now + 20_000).toISOString();
    headers['x-ratelimit-reset-requests'] = '20s';
  }
  return { status, headers, body: JSON.stringify(BODIES[flavour](status, model)) };
}
