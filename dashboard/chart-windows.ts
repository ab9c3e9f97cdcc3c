// The windows of a service's posture chart, in days: the service page offers them (a query's `days`
// is one of them), and the read API computes the posture of the longest ahead (api/answers.ts), as a
// client showing the chart asks for it.
export const CHART_WINDOWS = [30, 90, 180, 365] as const;
export const DEFAULT_CHART_DAYS = 90;
