// HMAC keys for webhook signatures, one per partner.
export const PARTNER_SIGNING_KEYS: Record<string, string> = {
  acme: 'ignored',
};
export const WEBHOOK_SIGNING_KEY = 'b7084eaccb95c1b55ab1df0d765496915389e17a0b07c2a5a72b8aef23ddb28d';
export const encryptionKey = "UqfHni3+HnGh5ybPU91wPW0LYNKV3L0I2B1xVtp7nhy=";
export const AES_KEY = Buffer.from('24ba09b20789707e79e4cdc540ffbd0e', 'hex');
