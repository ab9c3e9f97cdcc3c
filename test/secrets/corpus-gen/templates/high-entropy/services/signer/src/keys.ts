// HMAC keys for webhook signatures, one per partner.
export const PARTNER_SIGNING_KEYS: Record<string, string> = {
  acme: 'ignored',
};
export const WEBHOOK_SIGNING_KEY = '{{S:hex-64}}';
export const encryptionKey = "{{S:base64-32}}";
export const AES_KEY = Buffer.from('{{S:hex-32}}', 'hex');
