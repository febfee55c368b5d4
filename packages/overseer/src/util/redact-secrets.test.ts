import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redact-secrets.ts';

describe('redactSecrets', () => {
  it('replaces secret-named values at any depth and leaves everything else as it was', () => {
    const config = {
      maxTokens: 10,
      policy: { name: 'openai:m', options: { apiKey: 'sk-1', baseURL: 'http://x' } },
      arms: [{ headers: { Authorization: 'Bearer t' }, api_key: 'k', token: 3 }],
      empty: { apiKey: null },
    };
    const redacted = redactSecrets(config);
    expect(redacted).toEqual({
      maxTokens: 10,
      policy: { name: 'openai:m', options: { apiKey: REDACTED, baseURL: 'http://x' } },
      arms: [{ headers: { Authorization: REDACTED }, api_key: REDACTED, token: 3 }],
      empty: { apiKey: null },
    });
    // The configuration the run is built from keeps its secret.
    expect(config.policy.options.apiKey).toBe('sk-1');
  });
});
