// Runtime configuration
export const config = {
  region: 'eu-west-1',
  discordWebhook: 'https://discord.com/api/webhooks/4656943104817265091/uUEKeOrhFQZg_SrbWqQkE_r6CEvwNsEJDZJirxri_W9OvUMImjoTOa82xA6Odl8RQHB3',
  teamsWebhookUrl: 'https://contoso.webhook.office.com/webhookb2/70ea4077-04d5-4613-a59a-78278ca79e35@392d0912-3e02-4915-b857-f2e3018e2fcc/IncomingWebhook/3170b7ac5c5e39a3288941394f9c4e04/fed09e82-f89d-4e00-b2f3-ff2bae57c53d',
  telegramBotToken: '8624476124:AAkaWMnfVEWLOxrj_I4FM7ggl0WcAz5F6Bh',
  timeoutMs: 5_000,
};
