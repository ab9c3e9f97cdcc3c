// The URLs of the dashboard's pages, for the links the pages and their components draw.

/** The page URL of one finding. */
export function findingHref(service: string, fingerprint: string): string {
  return `/services/${encodeURIComponent(service)}/findings/${encodeURIComponent(fingerprint)}`;
}

/** The page of one vulnerability id: which services have it open. */
export function vulnerabilityHref(id: string): string {
  return `/vulnerabilities/${encodeURIComponent(id)}`;
}

/** The page of one service. */
export function serviceHref(service: string): string {
  return `/services/${encodeURIComponent(service)}`;
}
