import { Client } from './client';

const dbPassword: string = '{{S:password}}';
let static_password02 = '{{S:password}}';
const client = new Client({ host: 'db.acme-internal.net' });

export async function connect() {
  await client.login('reporting', '{{S:password}}');
  client.setApiKey('{{S:alnum-32}}');
  const upstream = { region: 'eu-west-1', k: '{{S:alnum-32}}' };
  return { client, upstream, dbPassword, static_password02 };
}
