// The one GitHub REST client of the action: @octokit/core with pagination, retry (5xx, network)
// and throttling (primary and secondary rate limits; writes are paced by the plugin's write queue).
// Built by the caller and passed in: nothing here runs at import time.
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from '../logger.js';
import { ContentRequestBudget } from './request-budget.js';

const GatehouseOctokit = Octokit.plugin(paginateRest, retry, throttling);
export type GitHubClient = InstanceType<typeof GatehouseOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** `GITHUB_API_URL` (https://api.github.com, a GHES URL, or a local stand-in in tests). */
  baseUrl: string;
  logger: Logger;
  /** Base of the retry waits in ms (tests shorten it; the plugins' default is 1000). */
  retryAfterBaseValue?: number;
  userAgent?: string;
  /** Paces content-creating requests (POST/PATCH/PUT/DELETE) to GitHub's 80 per minute. */
  contentBudget?: ContentRequestBudget;
}

/** How often a rate-limited request is retried before giving up. */
const RATE_LIMIT_RETRIES = 2;

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { logger } = options;
  const budget = options.contentBudget ?? new ContentRequestBudget();
  const client = new GatehouseOctokit({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'gatehouse-action',
    log: {
      debug: (m: string) => logger.debug(m),
      info: (m: string) => logger.debug(m),
      warn: (m: string) => logger.warning(m),
      error: (m: string) => logger.debug(m),
    },
    retry: { retryAfterBaseValue: options.retryAfterBaseValue ?? 1000 },
    throttle: {
      retryAfterBaseValue: options.retryAfterBaseValue ?? 1000,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: (retryAfter, request, _octokit, retryCount) => {
        logger.warning(`GitHub rate limit hit on ${request.method} ${request.url}; retrying in ${retryAfter}s`);
        return retryCount < RATE_LIMIT_RETRIES;
      },
      onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
        logger.warning(`GitHub secondary rate limit hit on ${request.method} ${request.url}; retrying in ${retryAfter}s`);
        return retryCount < RATE_LIMIT_RETRIES;
      },
    },
  });
  client.hook.before('request', async (request) => {
    if (!['GET', 'HEAD'].includes(String(request.method).toUpperCase())) await budget.take();
  });
  return client;
}

/** The HTTP status of an octokit RequestError (or undefined for anything else). */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === 'number') return status;
  }
  return undefined;
}
