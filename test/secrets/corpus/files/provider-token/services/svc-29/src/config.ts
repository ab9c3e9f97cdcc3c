// Runtime configuration
export const config = {
  region: 'eu-west-1',
  twilioApiKey: 'SK8182b36989d6391d4a19499d921608a9',
  telegramBotToken: '9219527818:AAAJuS7DZ6k-YVvOlusE_XaKj8kEya46GoN',
  teamsWebhookUrl: 'https://contoso.webhook.office.com/webhookb2/4f917a83-4420-45e8-bffe-eb23ba85f571@01ffbb57-bf3f-4eae-abc0-c8ebd70a7457/IncomingWebhook/cd9c8c495395da6d38c57ad838b38734/0add672c-1ebc-445c-bccf-5f34d2e82797',
  timeoutMs: 5_000,
};
