// HMAC keys for webhook signatures, one per partner.
export const PARTNER_SIGNING_KEYS: Record<string, string> = {
  acme: 'ignored',
};
export const WEBHOOK_SIGNING_KEY = '94e78fdf7c7180d2a101739bd55c5f6fa6e14e421012effe89b43787e04a6139';
export const encryptionKey = "P9xoD5z1Ztc3d2vloSp9lVGuUXxS+v4WumEnBbvVJp7=";
export const AES_KEY = Buffer.from('559801eecbb5add02c8cb7037b537dd9', 'hex');
