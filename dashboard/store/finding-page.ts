// One page of findings (the findings API, the service page, exports) in ONE statement on both
// backends, built for the cost of a cache miss:
// - the filter and sort pick the page's ids over narrow rows (id, sort key), and only the page's
//   findings are then read and turned into JSON by the database: one text value for the whole page
//   (one JSON.parse in Node, not a row object and a value conversion per column and row; sorting
//   the wide rows cost more than reading them); where an index gives the page's order (PostgreSQL's
//   findings_open_page: one service's open findings by severity), the pick reads the page's rows
//   whole instead, as the index scan hands them over, and stops at the page's end: no sort carries
//   them, and no second read finds them again (at 10 million findings a page of 43 read 49 buffers,
//   not 92, and cost PostgreSQL ~475 instead of ~575 us of CPU; a first page of 50 ~375 against ~550);
// - of the stored finding (`data`) a row uses the location, KEV and EPSS parts (how each backend
//   sends them is its dialect's choice, measured);
// - the total comes from the same statement: a page that starts at 0 or ends before `limit` gives it
//   (offset + its length); only a full or empty page past the start counts the matching findings.
// The rows are assembled by the same function as every other finding row (rows.ts), at `now`.
import { SEVERITIES, type Severity } from '../../src/findings/finding.js';
import { SEVERITY_RANK } from '../../src/findings/severity.js';
import { breachCondition } from './exploit.js';
import { noteMinute } from '../clock-reading.js';
import { assembleFindingRow, storedParts, type FindingRowFields } from './rows.js';
import type { FindingFilter, FindingRow, SlaDays } from './types.js';


/** A severity's rank in the severity sort (unknown just below medium, which it ranks with for the gate). */
export function severitySortRank(s: Severity): number {
  return SEVERITY_RANK[s] * 10 + (s === 'unknown' ? 0 : 1);
}

/** The sort rank of the severity `subject` (an SQL expression) as SQL. */
function severityRankOf(subject: string): string {
  return `CASE ${subject} ${SEVERITIES.map((s) => `WHEN '${s}' THEN ${severitySortRank(s)}`).join(' ')} END`;
}

export const SEVERITY_SQL_RANK = severityRankOf('f.severity');
/** The rank of a severity parameter (findingWhere's severityByRank). */
const SEVERITY_PARAM_RANK = severityRankOf('CAST(? AS TEXT)');

/** ORDER BY expressions per sort key; `age` takes `now` as its one parameter. */
export function findingSortSql(ageExpr: string): Record<NonNullable<FindingFilter['sort']>, { expr: string; defaultOrder: 'asc' | 'desc' }> {
  return {
    severity: { expr: SEVERITY_SQL_RANK, defaultOrder: 'desc' },
    age: { expr: ageExpr, defaultOrder: 'desc' },
    firstSeen: { expr: 'f.first_seen_at', defaultOrder: 'desc' },
    lastSeen: { expr: 'f.last_seen_at', defaultOrder: 'desc' },
    title: { expr: 'f.title', defaultOrder: 'asc' },
    tool: { expr: 'f.tool', defaultOrder: 'asc' },
    service: { expr: 's.name', defaultOrder: 'asc' },
    // Unscored findings sort below every scored one.
    epss: { expr: 'COALESCE(f.epss, -1)', defaultOrder: 'desc' },
  };
}

/**
 * WHERE clauses and parameters of a finding filter (`?` placeholders; PostgreSQL renumbers them).
 * `severityByRank`: a severity is also asked of its rank, the key of PostgreSQL's findings_open_page,
 * so a service's open findings of one severity are one range of it (its plan for one severity read
 * every open finding of the service from the heap and kept a fourth).
 */
export function findingWhere(filter: FindingFilter, sla: SlaDays, now: Date, severityByRank = false): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  // The service's id from one lookup, not a condition on the joined name: its findings are then one
  // range of an index, read in the page's order where an index has it (findings_open_page).
  add('f.service_id = (SELECT id FROM services WHERE name = ?)', filter.service);
  add('f.severity = ?', filter.severity);
  if (severityByRank) add(`${SEVERITY_SQL_RANK} = ${SEVERITY_PARAM_RANK}`, filter.severity);
  add('f.category = ?', filter.category);
  add('f.tool = ?', filter.tool);
  // The state as one of two texts, not a parameter: PostgreSQL may then plan a statement once (a
  // generic plan; with a parameter it planned every page again, ~1 ms) and use the open findings'
  // partial index in that plan.
  const state = filter.state ?? 'open';
  if (state !== 'all') where.push(state === 'open' ? "f.state = 'open'" : "f.state = 'fixed'");
  if (filter.kev !== undefined) where.push(filter.kev ? 'f.kev = 1' : 'f.kev = 0');
  if (filter.epssMin !== undefined) {
    where.push('f.epss >= ?');
    params.push(filter.epssMin);
  }
  if (filter.epssPercentileMin !== undefined) {
    where.push('f.epss_percentile >= ?');
    params.push(filter.epssPercentileMin);
  }
  if (filter.slaBreached !== undefined) {
    // Which findings match moves at any finding's deadline, not only the page's: the minute rule.
    noteMinute(now);
    const breach = breachCondition(sla, now);
    where.push(filter.slaBreached ? breach.sql : `NOT ${breach.sql}`);
    params.push(...breach.params);
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** How each backend spells the JSON of a page. */
interface FindingPageDialect {
  /**
   * One row as JSON `[position, [...columns], stored]`: its place in the page (1 = first), the
   * columns' values in order (PAGE_COLUMNS), and an object with the stored finding's `location`
   * (unless `location` is false: a page that shows `where_text` only), `kev` and `epss` (absent or
   * null alike).
   */
  row(position: string, columns: readonly string[], location: boolean): string;
  /** One row as JSON `[position, fingerprint]` (listFindingKeys). */
  keyRow(position: string, fingerprint: string): string;
  /** The JSON array of `value` over the rows, in any order, as text ('[]' over no rows). */
  aggregate(value: string): string;
  /**
   * What the pick hands on to find a page row again in the same statement, if not its id (SQLite's
   * rowid; a second column of the same value made SQLite sort the page twice): PostgreSQL's `f.ctid`,
   * the row version the pick saw, one heap page each where a primary key probe read four.
   */
  rowKey?: string;
  /** A severity filter also on its rank (findingWhere). */
  severityByRank?: boolean;
  /**
   * A page an index gives in its order (one service's open findings by severity: pageInIndexOrder)
   * is read whole by the pick, not found again by `rowKey`: its rows come out of the index scan in
   * the page's order and stop at its end, so no sort carries them (PostgreSQL's findings_open_page).
   */
  wholeRowsInIndexOrder?: boolean;
}

/**
 * The stored finding's KEV listing and EPSS score, read only where the row's columns say it has one
 * (ingest writes `kev` = 1 with a listing, `epss` with a score, in the same statement as `data`; the
 * KEV filter and the KEV-capped SLA already read those columns). Most rows have neither: a page of
 * them that shows no location then parses no stored finding (SQLite: each row's first `->` parses
 * ~700 bytes of JSON, half of a 36-row page's statement).
 */
const KEV_PART = "CASE WHEN f.kev = 1 THEN f.data -> '$.kev' END";
const EPSS_PART = "CASE WHEN f.epss IS NOT NULL THEN f.data -> '$.epss' END";

export const SQLITE_PAGE: FindingPageDialect = {
  // Only the members of `data` a row uses are rendered (each `->` reads the stored text in C).
  row: (position, columns, location) =>
    `json_array(${position}, json_array(${columns.join(', ')}), json_object(${location ? "'location', f.data -> '$.location', " : ''}'kev', ${KEV_PART}, 'epss', ${EPSS_PART}))`,
  keyRow: (position, fingerprint) => `json_array(${position}, ${fingerprint})`,
  aggregate: (value) => `json_group_array(${value})`,
};

/** Stored findings up to this size go to Node whole (cheapest); larger ones as their three used members. */
const POSTGRES_WHOLE_DATA_MAX = 4096;

export const POSTGRES_PAGE: FindingPageDialect = {
  // The columns as one text[] (json_build_array looks up each argument's type on every row: 18
  // lookups a row cost more than the rest of the page); `data` whole, as its stored text: each `->`
  // on json text parses it again, three parses a row cost more than sending it (measured: finding-page
  // in the fmiss20 note), and even one parse (`::json`, which only checks the text) was a sixth of a
  // page's statement at 10 million findings (miss22 note): the text is JSON.stringify's, written by
  // ingest, so the row is joined as text around it. A finding stored with more than
  // POSTGRES_WHOLE_DATA_MAX bytes sends only the three members: a large export (up to 100,000 rows) is
  // one text value, which must stay far below the longest string node can hold (~512 MB) whatever
  // the messages a scanner writes.
  // Without the location, a row that has no KEV listing nor EPSS score (its columns say so, as
  // SQLITE_PAGE's) sends `{}` instead of its stored finding: a service page's 36 rows were ~25 KB of
  // text that PostgreSQL joined and sent, and Node parsed, for nothing.
  row: (position, columns, location) =>
    `'[' || ${position} || ',' || array_to_json(ARRAY[${columns.map((c) => `${c}::text`).join(', ')}])::text || ',' || ` +
    `CASE ${location ? '' : "WHEN f.kev = 0 AND f.epss IS NULL THEN '{}' "}WHEN octet_length(f.data) <= ${POSTGRES_WHOLE_DATA_MAX} THEN f.data ` +
    `ELSE json_build_object('location', f.data::json -> 'location', 'kev', f.data::json -> 'kev', 'epss', f.data::json -> 'epss')::text END || ']'`,
  // The fingerprint as a JSON string (to_json escapes it), joined as text like a page row.
  keyRow: (position, fingerprint) => `'[' || ${position} || ',' || to_json(${fingerprint})::text || ']'`,
  aggregate: (value) => `COALESCE('[' || string_agg(${value}, ',') || ']', '[]')`,
  rowKey: 'f.ctid',
  severityByRank: true,
  wholeRowsInIndexOrder: true,
};

/** A page row's columns, in this order (the `[...columns]` of a row). */
const PAGE_COLUMNS = [
  'f.fingerprint',
  'f.tool',
  'f.category',
  'f.rule_id',
  'f.title',
  'f.severity',
  'f.where_text',
  'f.fix_available',
  'f.state',
  'f.suppressed',
  'f.first_seen_at',
  'f.opened_at',
  'f.last_seen_at',
  'f.fixed_at',
  'p.service',
  't.status',
  't.expires_at',
  't.decided_by',
] as const;
/** What the pick of a page read whole carries of each finding (PAGE_COLUMNS' and the row's stored parts, as `f.`). */
const WHOLE_ROW_COLUMNS = [
  ...PAGE_COLUMNS.filter((c) => c.startsWith('f.') && c !== 'f.opened_at'),
  'f.id',
  'f.service_id',
  'f.kev',
  'f.epss',
  'f.data',
].join(', ');

/**
 * The longest page whose rows the pick carries (the read API's largest): the numbering keeps the
 * rows it carries in memory, and an export's 100,000 wide rows there would go to disk (the narrow
 * pick keeps three columns a row).
 */
const WHOLE_ROWS_MAX = 500;

/**
 * Whether PostgreSQL's findings_open_page (service, severity rank descending, opened_at, id; open
 * findings) gives the page's order: one service's open findings by severity, most severe first, or
 * of one severity either way (its rank is then one value: the order is opened_at, id), or of one
 * severity by age, oldest first (`ageByOpened`: by opened_at ascending), filtered at most by
 * columns the scan checks on the rows it reads (severity, category, tool). Other filters may lead
 * the planner to another index and a sort. Pages up to WHOLE_ROWS_MAX rows.
 */
function pageInIndexOrder(filter: FindingFilter, dir: 'ASC' | 'DESC', ageByOpened: boolean): boolean {
  return (
    filter.limit <= WHOLE_ROWS_MAX &&
    filter.service !== undefined &&
    (ageByOpened ? filter.severity !== undefined && dir === 'ASC' : (filter.sort ?? 'severity') === 'severity' && (dir === 'DESC' || filter.severity !== undefined)) &&
    (filter.state ?? 'open') === 'open' &&
    filter.kev === undefined &&
    filter.epssMin === undefined &&
    filter.epssPercentileMin === undefined &&
    filter.slaBreached === undefined
  );
}

type PageColumns = [
  fingerprint: string,
  tool: string,
  category: string,
  ruleId: string,
  title: string,
  severity: string,
  whereText: string,
  /** A number on SQLite, its text on PostgreSQL (read with Number()). */
  fixAvailable: number | string,
  state: 'open' | 'fixed',
  suppressed: number | string,
  firstSeenAt: string,
  openedAt: string,
  lastSeenAt: string,
  fixedAt: string | null,
  service: string,
  triageStatus: string | null,
  triageExpiresAt: string | null,
  triageDecidedBy: string | null,
];
type PageRow = [position: number, columns: PageColumns, stored: { location?: unknown; kev?: unknown; epss?: unknown }];

/**
 * The number of findings a filter matches, and its parameters. Open findings of one service (of one
 * severity or all) are the summary's counts (summary.ts: kept by ingest and triage in the transaction
 * that changes the findings; open + suppressed, triaged or not, is every open finding): counting them
 * read every one of them (on PostgreSQL a heap page each, unless VACUUM marked the page all-visible
 * since the last ingest refreshed the finding). Any other filter counts the matching findings.
 */
function countSql(filter: FindingFilter, where: { sql: string; params: (string | number)[] }, matching: string): { sql: string; params: (string | number)[] } {
  const { service, severity, state, ...rest } = filter;
  const others = Object.entries(rest).some(([key, value]) => value !== undefined && !['sort', 'order', 'limit', 'offset'].includes(key));
  if (service === undefined || (state ?? 'open') !== 'open' || others) return { sql: `SELECT count(*) ${matching}`, params: where.params };
  return {
    sql: `SELECT COALESCE(sum(o.open_count + o.suppressed_count), 0) FROM service_summary o
      WHERE o.service_id = (SELECT id FROM services WHERE name = ?)${severity === undefined ? '' : ' AND o.severity = ?'}`,
    params: severity === undefined ? [service] : [service, severity],
  };
}

/**
 * What a page statement gives of each finding: its row (FindingRow), its row without the stored
 * location (`shown`: a service page's table shows `where_text`; the row's location is then `{}`),
 * or its fingerprint only (`keys`: findingKeys).
 */
type PageShape = 'rows' | 'shown' | 'keys';

/**
 * The statement of one page and its `?` parameters (PostgreSQL renumbers them). Result: one row
 * { items, total }; with `shape` `keys`, items are `[position, fingerprint]` (findingKeys), the same pick.
 */
export function findingPageSql(
  dialect: FindingPageDialect,
  sortSql: ReturnType<typeof findingSortSql>,
  filter: FindingFilter,
  sla: SlaDays,
  now: Date,
  shape: PageShape = 'rows',
): { sql: string; params: (string | number)[] } {
  const keysOnly = shape === 'keys';
  const where = findingWhere(filter, sla, now, dialect.severityByRank);
  const sort = sortSql[filter.sort ?? 'severity'];
  // Open findings' ages all run to the same instant: by age is by opened_at the other way round,
  // and a tie in age is a tie in opened_at (both ages are exact: PostgreSQL's difference of
  // timestamps, SQLite's of julian days from whole milliseconds). Sorted by the column itself, the
  // statement takes no clock, and an index gives one severity's order (findings_open_page).
  const ageByOpened = filter.sort === 'age' && (filter.state ?? 'open') === 'open';
  const asked = (filter.order ?? sort.defaultOrder) === 'asc' ? 'ASC' : 'DESC';
  const dir = ageByOpened ? (asked === 'ASC' ? 'DESC' : 'ASC') : asked;
  const keyParams = filter.sort === 'age' && !ageByOpened ? [now.toISOString()] : [];
  // Open findings' ages grow and fixed ones' do not: with both, the order moves with the clock (the minute rule).
  if (filter.sort === 'age' && (filter.state ?? 'open') === 'all') noteMinute(now);
  // One service's findings: the name is the filter's own, so no picked row needs the services join
  // (PostgreSQL probed services' primary key for each of them), and a sort by service ties them all.
  const one = filter.service !== undefined;
  const matching = one ? `FROM findings f ${where.sql}` : `FROM findings f JOIN services s ON s.id = f.service_id ${where.sql}`;
  const sortExpr = ageByOpened ? 'f.opened_at' : one && filter.sort === 'service' ? '0' : sort.expr;
  const count = countSql(filter, where, matching);
  // (sort key, opened_at, id) orders every row one way. Each row carries its place in the page,
  // numbered over the narrow rows, so the page's order does not rest on how the database feeds rows
  // to the aggregate, and no sort carries the rows' JSON (an export of 87k rows on PostgreSQL sorted
  // ~100 MB of it on disk when the aggregate re-sorted the page). The pick also carries the service's
  // name, so the page's rows need no second join with services (PostgreSQL hashed all of them).
  // The pick carries the page's rows (no second read of them by row key) where the index gives its order.
  const whole = !keysOnly && dialect.wholeRowsInIndexOrder === true && pageInIndexOrder(filter, dir, ageByOpened);
  const row = keysOnly
    ? dialect.keyRow('p.rn', 'p.fingerprint')
    : whole
      ? dialect.row('f.rn', PAGE_COLUMNS.map((c) => (c === 'p.service' ? 'f.service' : c)), shape === 'rows')
      : dialect.row('p.rn', PAGE_COLUMNS, shape === 'rows');
  // Of one severity the rank is one value: numbered by (opened_at, id), the order the index scan gives;
  // by age read whole the sort key is opened_at ascending: the same (a sort key first made PostgreSQL
  // sort the page's wide rows again for the numbering).
  const rankOrder = whole && (filter.severity !== undefined || ageByOpened) ? '' : `q.sort_key ${dir}, `;
  // The offset compared with 0 as a BIGINT: PostgreSQL types `$n = 0` as a 32-bit integer, and the
  // API takes offsets up to 2^53 - 1 (from 2^31 on, a 500).
  const sql = `SELECT agg.items AS items,
    CAST(CASE WHEN (agg.n > 0 AND agg.n < ?) OR (agg.n = 0 AND CAST(? AS BIGINT) = 0) THEN ? + agg.n
      ELSE (${count.sql}) END AS INTEGER) AS total
  FROM (
    SELECT ${dialect.aggregate(row)} AS items, count(*) AS n
    FROM ${
      whole
        ? `(
      SELECT q.*, row_number() OVER (ORDER BY ${rankOrder}q.opened_at ASC, q.id ASC) AS rn
      FROM (
        SELECT ${WHOLE_ROW_COLUMNS}, CAST(? AS TEXT) AS service, ${sortExpr} AS sort_key, f.opened_at AS opened_at ${matching}
        ORDER BY sort_key ${dir}, f.opened_at ASC, f.id ASC LIMIT ? OFFSET ?
      ) q
    ) f
    LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint`
        : `(
      SELECT q.${dialect.rowKey ? 'k' : 'id'} AS k, q.service AS service, ${keysOnly ? 'q.fingerprint AS fingerprint, ' : ''}row_number() OVER (ORDER BY q.sort_key ${dir}, q.opened_at ASC, q.id ASC) AS rn
      FROM (
        SELECT f.id AS id, ${dialect.rowKey ? `${dialect.rowKey} AS k, ` : ''}${keysOnly ? 'f.fingerprint AS fingerprint, ' : ''}${one ? 'CAST(? AS TEXT)' : 's.name'} AS service, ${sortExpr} AS sort_key, f.opened_at AS opened_at ${matching}
        ORDER BY sort_key ${dir}, f.opened_at ASC, f.id ASC LIMIT ? OFFSET ?
      ) q
    ) p${
      // Keys only: the pick's own rows (no second read of the page's findings, no triage).
      keysOnly
        ? ''
        : `
    JOIN findings f ON ${dialect.rowKey ?? 'f.id'} = p.k
    LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint`
    }`
    }
  ) agg`;
  const params = [filter.limit, filter.offset, filter.offset, ...count.params, ...(one ? [filter.service!] : []), ...keyParams, ...where.params, filter.limit, filter.offset];
  return { sql, params };
}

/** The findings page from the statement's row: rows with ages and SLA at `now` (`shown`: its PageShape, every row's location `{}`). */
export function findingPage(row: { items: string; total: number | string }, now: Date, sla: SlaDays, shown = false): { items: FindingRow[]; total: number } {
  const rows = JSON.parse(row.items) as PageRow[];
  const items: FindingRow[] = new Array(rows.length);
  for (const [position, c, stored] of rows) {
    const fields: FindingRowFields = {
      fingerprint: c[0],
      tool: c[1],
      category: c[2],
      rule_id: c[3],
      title: c[4],
      severity: c[5],
      where_text: c[6],
      fix_available: Number(c[7]),
      state: c[8],
      suppressed: Number(c[9]),
      first_seen_at: c[10],
      opened_at: c[11],
      last_seen_at: c[12],
      fixed_at: c[13],
      service: c[14],
      triage_status: c[15],
      triage_expires_at: c[16],
      triage_decided_by: c[17],
    };
    items[Number(position) - 1] = assembleFindingRow(fields, storedParts(shown ? undefined : stored.location, stored.kev, stored.epss), now, sla);
  }
  return { items, total: Number(row.total) };
}

/** The fingerprints of a keysOnly page statement's row, in the page's order, and its total. */
export function findingKeys(row: { items: string; total: number | string }): { fingerprints: string[]; total: number } {
  const rows = JSON.parse(row.items) as [position: number | string, fingerprint: string][];
  const fingerprints: string[] = new Array(rows.length);
  for (const [position, fingerprint] of rows) fingerprints[Number(position) - 1] = fingerprint;
  return { fingerprints, total: Number(row.total) };
}
