// HMAC keys for webhook signatures, one per partner.
export const PARTNER_SIGNING_KEYS: Record<string, string> = {
  acme: 'ignored',
};
export const WEBHOOK_SIGNING_KEY = '713c13704af33b42975c10acec931f715e139b0955dc8743af9e7a7a7a7c703d';
export const encryptionKey = "Wc+wjmbJgppc1mRbvsXAVmZOTTAR13fbtfzTVfdgXr9=";
export const AES_KEY = Buffer.from('73e696c960e059ede4ae12d730de4dda', 'hex');
