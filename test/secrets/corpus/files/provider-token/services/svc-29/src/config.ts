// Runtime configuration
export const config = {
  region: 'eu-west-1',
  twilioApiKey: 'SKc6688bec85d546075ee83eb5fe80216f',
  telegramBotToken: '6893541187:AAMrw4QcbH5Ec3pBSbYAfiiBSdOmmUhnEKb',
  teamsWebhookUrl: 'https://contoso.webhook.office.com/webhookb2/20209158-b65f-4ace-81ef-256998aa1fb7@1f92e853-497e-45a8-923a-958182b36989/IncomingWebhook/d6391d4a19499d921608a9f33e93bd2d/685be7ce-2fcb-45a2-947f-c092f2760ee8',
  timeoutMs: 5_000,
};
