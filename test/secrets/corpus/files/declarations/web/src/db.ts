import { Client } from './client';

const dbPassword: string = 'meadow34Meadow';
let static_password02 = 'mC1QbvdlzK0imwmfEwUE9U2l';
const client = new Client({ host: 'db.acme-internal.net' });

export async function connect() {
  await client.login('reporting', 'Marble~4393');
  client.setApiKey('JwSKovspJZCy0GXw8uLZQCnzmvabDQcf');
  const upstream = { region: 'eu-west-1', k: 'HQ9Hn8SAlEbtXJVjy2NM73IgjH0yPUjZ' };
  return { client, upstream, dbPassword, static_password02 };
}
