// Runtime configuration
export const config = {
  region: 'eu-west-1',
  discordWebhook: 'https://discord.com/api/webhooks/6187779490358142539/CGK_nN9SwvVndXDzOLi3WR98i_JdHHxyWUvQxt_3IyWoWRZQpM6W_xniweAP0loQCrn0',
  teamsWebhookUrl: 'https://contoso.webhook.office.com/webhookb2/607b203b-b1d6-4f99-a394-113a0a58cfba@3c3032c4-9ffd-472e-a091-6bc536bb05e9/IncomingWebhook/0bff53ea6334835eb86cbe95cdcb23c9/bf5269c9-6071-4c81-a0a9-2a5e471f2bb7',
  telegramBotToken: '9959223366:AAZZN7Cr_M2JrFSFiNcweB24zwv3WsYT82D',
  timeoutMs: 5_000,
};
