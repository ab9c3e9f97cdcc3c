export const apiBase = process.env.API_BASE || 'https://api.acme-shop.net';
export const apiToken = process.env.API_TOKEN || '{{S:alnum-32}}';
export const dbPassword = process.env.DB_PASSWORD ?? "{{S:password:app-config}}";
