// Content-creating requests (GitHub: 80 per minute, 500 per hour), crossed with a test clock; and the
// client applies the budget to writes only, against a real local server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { CONTENT_REQUESTS_PER_MINUTE, ContentRequestBudget, type Clock } from '../../src/github/request-budget.js';
import { createMemoryLogger } from '../../src/logger.js';

function testClock(): Clock & { slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)) };
}

const maxInAnyWindow = (times: readonly number[], ms: number) => Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + ms).length));

describe('content-creating request budget', () => {
  it('crossing 80 per minute: the 81st waits until the first leaves the window; no minute ever holds more than 80', async () => {
    const clock = testClock();
    const budget = new ContentRequestBudget(clock);
    await Promise.all(Array.from({ length: 200 }, () => budget.take()));
    expect(budget.history).toHaveLength(200);
    expect(clock.slept.length).toBeGreaterThan(0);
    expect(budget.history[CONTENT_REQUESTS_PER_MINUTE] - budget.history[0]).toBeGreaterThanOrEqual(60_000);
    expect(maxInAnyWindow(budget.history, 60_000)).toBe(CONTENT_REQUESTS_PER_MINUTE);
  });

  it('crossing 500 per hour: the 501st waits for the hour', async () => {
    const clock = testClock();
    const budget = new ContentRequestBudget(clock);
    for (let i = 0; i < 501; i++) await budget.take();
    expect(budget.history[500] - budget.history[0]).toBeGreaterThanOrEqual(3_600_000);
    expect(maxInAnyWindow(budget.history, 3_600_000)).toBe(500);
  });

  it('the GitHub client takes a slot for each POST/PATCH, none for GET', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, method: req.method }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const clock = testClock();
      const budget = new ContentRequestBudget(clock, [{ ms: 60_000, limit: 2 }]);
      const client = createGitHubClient({ token: 't', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logger: createMemoryLogger(), contentBudget: budget });
      await client.request('GET /repos/{owner}/{repo}', { owner: 'a', repo: 'b' });
      expect(budget.history).toHaveLength(0);
      for (let i = 0; i < 3; i++) await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'a', repo: 'b', issue_number: 1, body: 'x' });
      expect(budget.history).toHaveLength(3);
      expect(clock.slept).toHaveLength(1); // the third write waited for the (test) minute
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
