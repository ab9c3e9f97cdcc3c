export const apiBase = process.env.API_BASE || 'https://api.acme-shop.net';
export const apiToken = process.env.API_TOKEN || '7kHNMJ3xyKhhZqlK1Ai45R6CnJeILDWl';
export const dbPassword = process.env.DB_PASSWORD ?? "Marble-glacier-600";
