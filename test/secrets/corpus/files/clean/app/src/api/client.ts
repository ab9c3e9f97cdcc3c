export class ApiClient {
  constructor(private readonly token: string, private readonly baseUrl = 'https://api.acme-shop.net') {}

  async get(path: string) {
    const headers = { Authorization: `Bearer ${this.token}` };
    return fetch(`${this.baseUrl}${path}`, { headers });
  }
}

export const client = new ApiClient(process.env.API_TOKEN ?? '');
