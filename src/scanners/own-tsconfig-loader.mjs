// The `--import` of a scanner started from source (development, tests, the CLI run from a clone):
// tsx with Gatehouse's own tsconfig.json, by absolute path. The scanner runs in a scanned service
// folder, and tsx would otherwise read a tsconfig.json from there: its `paths` could map an import
// of Gatehouse's code to a file of the scanned repository, which would then run.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
