export const apiBase = process.env.API_BASE || 'https://api.acme-shop.net';
export const apiToken = process.env.API_TOKEN || 'DFFRSUwAxRy12ov56cggwqTtuL48Qtem';
export const dbPassword = process.env.DB_PASSWORD ?? "juniper24Cobalt";
