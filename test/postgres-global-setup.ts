// One throwaway PostgreSQL server for the whole test run, started before the workers and stopped
// after them. Test files (each in its own worker) used to start one each and leak it: a worker is
// killed, not exited, so no exit hook ran. With $GATEHOUSE_TEST_PG_URL set (.ci/run) nothing starts.
// Without the server binaries nothing starts either, and the store tests fail with their own message.
import { execFileSync, spawnSync } from 'node:child_process';

export default function setup(): (() => void) | undefined {
  if (process.env.GATEHOUSE_TEST_PG_URL) return undefined;
  const started = spawnSync('bash', ['scripts/postgres-throwaway.sh', 'start'], { encoding: 'utf8' });
  const dir = /data folder (\S+)/.exec(started.stderr ?? '')?.[1];
  const url = (started.stdout ?? '').trim();
  if (started.status !== 0 || !dir || !url) return undefined;
  // Workers are started after this and inherit the environment.
  process.env.GATEHOUSE_TEST_PG_URL = url;
  return () => {
    delete process.env.GATEHOUSE_TEST_PG_URL;
    execFileSync('bash', ['scripts/postgres-throwaway.sh', 'stop', dir], { stdio: 'ignore' });
  };
}
