export const apiBase = process.env.API_BASE || 'https://api.acme-shop.net';
export const apiToken = process.env.API_TOKEN || 'CEZ7o1Pn0egP9210f6HIHnsqk7GMykYu';
export const dbPassword = process.env.DB_PASSWORD ?? "pepper85Quartz";
