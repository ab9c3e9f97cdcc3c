// Runtime configuration
export const config = {
  region: 'eu-west-1',
  discordWebhook: 'https://discord.com/api/webhooks/4545659520524339583/5Asj00yQfa9RyjksgqFaSZVEomfz65kHVJ-X58m_kNcVRjjLpDjwHtq3Yng93QA8fYhA',
  teamsWebhookUrl: 'https://contoso.webhook.office.com/webhookb2/f4d9ada9-b36c-4338-8d49-283b8d22e683@0b6d0ec0-e91e-4bcb-b7f0-69c26496e789/IncomingWebhook/f39fb55b30c76a92dcaff2f808856cb5/a54fd86c-3cac-4a39-bcf5-32516ad23a74',
  telegramBotToken: '2830471027:AAVf3y_KMVoLqhfoRcQuHY-UQpYnapjZrN_',
  timeoutMs: 5_000,
};
