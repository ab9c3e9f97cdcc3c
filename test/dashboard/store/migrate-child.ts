// `gatehouse dashboard migrate` killed mid-copy: runs the command with argv[2..] and, once the line
// naming table argv[2] is printed (that table copied, the transaction still open), SIGKILLs itself.
import { runMigrateCli } from '../../../dashboard/server.js';

const [killAfter, ...args] = process.argv.slice(2);
await runMigrateCli(args, (line) => {
  process.stdout.write(`${line}\n`);
  if (line.startsWith(`${killAfter}:`)) process.kill(process.pid, 'SIGKILL');
});
