import { describe, expect, it } from 'vitest';
import { httpCallSkill } from '../../adapters/skills/http-call-skill.js';
import { httpCallServer } from './http-call-test-server.js';

// The agent's allowed hosts: 127.0.0.1 denied unless allowed, in the plan and at execution, and a
// host:port allowance good only on that port.

const http = httpCallServer();
const { params, context, call } = http;

describe('http_call against a real server', () => {
  it('denies 127.0.0.1 when the agent does not allow it, in the plan and at execution, without calling', async () => {
    const step = params({ method: 'GET', url: `${http.base}/redirect-target`, timeout_ms: 5000 });
    expect(httpCallSkill.validateInPlan(step, { stepIndex: 0, allowedHosts: [] })).toEqual([
      { field: 'url', message: expect.stringContaining('loopback') },
    ]);
    const hitsBefore = http.redirectTargetHits;
    const result = await httpCallSkill.execute(step, context({ allowedHosts: [] }));
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'policy', code: 'HOST_DENIED' },
      cost_cents: 0,
    });
    expect(http.redirectTargetHits).toBe(hitsBefore);
  });

  it('honours a host:port allowance only on that port', async () => {
    const port = new URL(http.base).port;
    expect((await call('/status', {}, context({ allowedHosts: [`127.0.0.1:${port}`] }))).outcome.code).toBe(
      'HTTP_200',
    );
    expect(
      (await call('/status', {}, context({ allowedHosts: [`127.0.0.1:${Number(port) === 1 ? 2 : 1}`] })))
        .outcome.code,
    ).toBe('HOST_DENIED');
  });
});
