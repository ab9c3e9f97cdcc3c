// Writes a polyglot monorepo the way the issue-9 reporters met it: services in src/<name>/ (Node
// with its lockfile one folder down, Python, Go, Java/Gradle, .NET with nested project files, a
// Dockerfile-only one) and root files holding a planted token.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A GitHub token shape, built at run time so this file itself holds none. */
export const PLANTED_TOKEN = ['ghp', '_', 'R7x2Kq9LmN4pV8sT1wY6zA3bC5dE0fG2hJ4k'].join('');

export const POLYGLOT_SERVICES = ['node-web', 'py-worker', 'go-api', 'java-orders', 'dotnet-basket', 'static-site'];

export function writePolyglotMonorepo(): { root: string; files: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-polyglot-'));
  const files: Record<string, string> = {
    'src/node-web/app/package.json': '{"name":"web","version":"1.0.0"}\n',
    'src/node-web/app/package-lock.json': '{"name":"web","lockfileVersion":3,"packages":{}}\n',
    'src/node-web/app/index.js': 'console.log("hi");\n',
    'src/py-worker/requirements.txt': 'requests==2.19.1\n',
    'src/py-worker/app.py': 'print("worker")\n',
    'src/go-api/go.mod': 'module example.com/api\n\ngo 1.22\n',
    'src/go-api/main.go': 'package main\n\nfunc main() {}\n',
    'src/java-orders/build.gradle': "plugins { id 'java' }\n",
    'src/java-orders/src/main/java/Orders.java': 'class Orders {}\n',
    'src/dotnet-basket/src/Basket.API/Basket.API.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>\n',
    'src/dotnet-basket/src/Basket.API/Program.cs': 'class Program {}\n',
    'src/static-site/Dockerfile': 'FROM nginx:1.25\n',
    'src/docs-only/README.md': '# not a service\n',
    'README.md': '# shop\n',
    '.env.production': `GITHUB_TOKEN=${PLANTED_TOKEN}\n`,
    'docker-compose.yml': 'services: {}\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, files: Object.keys(files).sort() };
}
