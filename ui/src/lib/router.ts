// Hash routing: the app is served from files inside the Tauri bundle, where there is no server
// to answer deep paths, and the hash survives a webview reload. Parsing is pure so it can be
// tested without a window.

import type { RecordKind } from "./ipc/bindings";

export type Route =
  | { page: "email" }
  | { page: "calendar" }
  | { page: "settings" }
  | { page: "account_new" }
  | { page: "accounts" }
  | { page: "list"; kind: RecordKind }
  | { page: "new"; kind: RecordKind }
  | { page: "detail"; kind: RecordKind; id: number }
  | { page: "edit"; kind: RecordKind; id: number }
  /** Candidates and contacts only: the kinds a file can be imported as. */
  | { page: "import"; kind: "candidate" | "contact" }
  | { page: "not_found"; path: string };

/** URL segment per kind: plural nouns, as the sidebar names them ("jobs" for job openings). */
export const KIND_SEGMENTS: { readonly [K in RecordKind]: string } = {
  candidate: "candidates",
  contact: "contacts",
  job: "jobs",
  client: "clients",
};

const KIND_BY_SEGMENT = new Map<string, RecordKind>(
  (Object.entries(KIND_SEGMENTS) as [RecordKind, string][]).map(([kind, segment]) => [segment, kind]),
);

export const DEFAULT_ROUTE: Route = { page: "email" };

/** Record ids are positive integers; "042", "1e3" or "-1" are not ids and must not alias one. */
function parseId(segment: string): number | null {
  if (!/^[1-9][0-9]*$/.test(segment)) return null;
  const id = Number(segment);
  return Number.isSafeInteger(id) ? id : null;
}

/** Accepts `#/candidates/42`, `/candidates/42`, `candidates/42/` and so on. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/^\/+/, "").replace(/\/+$/, "");
  if (path === "") return DEFAULT_ROUTE;
  const parts = path.split("/");
  const [first, second, third, ...rest] = parts;
  if (first === "email" && parts.length === 1) return { page: "email" };
  if (first === "calendar" && parts.length === 1) return { page: "calendar" };
  if (first === "settings" && parts.length === 1) return { page: "settings" };
  if (first === "accounts" && second === "new" && parts.length === 2) return { page: "account_new" };
  if (first === "accounts" && parts.length === 1) return { page: "accounts" };

  const kind = first === undefined ? undefined : KIND_BY_SEGMENT.get(first);
  if (kind === undefined || rest.length > 0) return { page: "not_found", path };
  if (second === undefined) return { page: "list", kind };
  if (second === "new" && third === undefined) return { page: "new", kind };
  if (second === "import" && third === undefined && (kind === "candidate" || kind === "contact")) {
    return { page: "import", kind };
  }

  const id = parseId(second);
  if (id === null) return { page: "not_found", path };
  if (third === undefined) return { page: "detail", kind, id };
  if (third === "edit") return { page: "edit", kind, id };
  return { page: "not_found", path };
}

export function formatRoute(route: Route): string {
  switch (route.page) {
    case "email":
      return "#/email";
    case "calendar":
      return "#/calendar";
    case "settings":
      return "#/settings";
    case "account_new":
      return "#/accounts/new";
    case "accounts":
      return "#/accounts";
    case "list":
      return `#/${KIND_SEGMENTS[route.kind]}`;
    case "new":
      return `#/${KIND_SEGMENTS[route.kind]}/new`;
    case "import":
      return `#/${KIND_SEGMENTS[route.kind]}/import`;
    case "detail":
      return `#/${KIND_SEGMENTS[route.kind]}/${route.id}`;
    case "edit":
      return `#/${KIND_SEGMENTS[route.kind]}/${route.id}/edit`;
    case "not_found":
      return `#/${route.path}`;
  }
}

/** The sidebar entry a route belongs to, so a record's detail page keeps its list highlighted. */
export function sectionOf(route: Route): "email" | "calendar" | "settings" | RecordKind | null {
  switch (route.page) {
    case "email":
    case "account_new":
    case "accounts":
      return "email";
    case "calendar":
      return "calendar";
    case "settings":
      return "settings";
    case "not_found":
      return null;
    default:
      return route.kind;
  }
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = formatRoute(route);
  if (options.replace) {
    // replaceState does not fire hashchange, so announce it the way a real hash change would.
    const url = new URL(window.location.href);
    url.hash = hash;
    window.history.replaceState(window.history.state, "", url);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = hash;
  }
}
