// Runtime configuration
export const config = {
  region: 'eu-west-1',
  openaiApiKey: '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',
  hfToken: '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',
  notionToken: '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',
  timeoutMs: 5_000,
};
