// The scanner's identity, in a file of its own so the CLI bundle does not pull in zod.
export const SCANNER_ID = 'gatehouse-secrets';
export const SCANNER_VERSION = '1.1.0';
export const REPORT_FORMAT_VERSION = 2;
