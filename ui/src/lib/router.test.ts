import { describe, expect, it } from "vitest";
import type { RecordKind } from "./ipc/bindings";
import { formatRoute, parseRoute, sectionOf, type Route } from "./router";

describe("parseRoute", () => {
  it("opens Email when the hash is empty, as on first launch", () => {
    expect(parseRoute(""), "no hash").toEqual({ page: "email" });
    expect(parseRoute("#"), "bare #").toEqual({ page: "email" });
    expect(parseRoute("#/"), "root").toEqual({ page: "email" });
  });

  it("maps each plural URL segment to its record kind", () => {
    const expected: [string, RecordKind][] = [
      ["#/candidates", "candidate"],
      ["#/contacts", "contact"],
      ["#/jobs", "job"],
      ["#/clients", "client"],
    ];
    for (const [hash, kind] of expected) {
      expect(parseRoute(hash), hash).toEqual({ page: "list", kind });
    }
  });

  it("reads detail, new and edit pages", () => {
    expect(parseRoute("#/candidates/42")).toEqual({ page: "detail", kind: "candidate", id: 42 });
    expect(parseRoute("#/jobs/new")).toEqual({ page: "new", kind: "job" });
    expect(parseRoute("#/contacts/7/edit")).toEqual({ page: "edit", kind: "contact", id: 7 });
  });

  it("reads the import page of candidates and contacts, the only kinds a file imports as", () => {
    expect(parseRoute("#/candidates/import")).toEqual({ page: "import", kind: "candidate" });
    expect(parseRoute("#/contacts/import/")).toEqual({ page: "import", kind: "contact" });
    expect(parseRoute("#/jobs/import").page, "job openings are not imported").toBe("not_found");
    expect(parseRoute("#/clients/import").page, "clients are not imported").toBe("not_found");
    expect(parseRoute("#/candidates/import/more").page, "extra segment").toBe("not_found");
  });

  it("reads the calendar page, which has no sub-pages", () => {
    expect(parseRoute("#/calendar")).toEqual({ page: "calendar" });
    expect(parseRoute("#calendar/")).toEqual({ page: "calendar" });
    expect(parseRoute("#/calendar/2024").page).toBe("not_found");
  });

  it("reads the settings page", () => {
    expect(parseRoute("#/settings")).toEqual({ page: "settings" });
    expect(parseRoute("#settings/")).toEqual({ page: "settings" });
  });

  it("tolerates a missing leading slash and trailing slashes, which people type", () => {
    expect(parseRoute("#clients/3/")).toEqual({ page: "detail", kind: "client", id: 3 });
    expect(parseRoute("/candidates//")).toEqual({ page: "list", kind: "candidate" });
  });

  it("refuses ids that are not plain positive integers, so no two URLs alias one record", () => {
    for (const id of ["0", "042", "-1", "1.5", "1e3", "abc", "9007199254740993"]) {
      expect(parseRoute(`#/candidates/${id}`).page, `id ${id}`).toBe("not_found");
    }
  });

  it("reports unknown paths as not found instead of silently showing another page", () => {
    expect(parseRoute("#/reports")).toEqual({ page: "not_found", path: "reports" });
    expect(parseRoute("#/settings/language").page, "no settings sub-pages").toBe("not_found");
    expect(parseRoute("#/candidate/1").page, "singular segment").toBe("not_found");
    expect(parseRoute("#/candidates/1/delete").page, "unknown action").toBe("not_found");
    expect(parseRoute("#/candidates/1/edit/more").page, "extra segment").toBe("not_found");
    expect(parseRoute("#/candidates/new/edit").page, "edit of new").toBe("not_found");
    expect(parseRoute("#/email/inbox").page, "no email sub-pages yet").toBe("not_found");
  });
});

describe("formatRoute", () => {
  it("round-trips every page through parseRoute", () => {
    const routes: Route[] = [
      { page: "email" },
      { page: "calendar" },
      { page: "settings" },
      { page: "list", kind: "job" },
      { page: "new", kind: "client" },
      { page: "detail", kind: "contact", id: 12 },
      { page: "edit", kind: "candidate", id: 9000 },
      { page: "import", kind: "candidate" },
      { page: "import", kind: "contact" },
    ];
    for (const route of routes) {
      expect(parseRoute(formatRoute(route)), formatRoute(route)).toEqual(route);
    }
  });

  it("writes the documented URLs the end-to-end tests and bookmarks rely on", () => {
    expect(formatRoute({ page: "email" })).toBe("#/email");
    expect(formatRoute({ page: "calendar" })).toBe("#/calendar");
    expect(formatRoute({ page: "settings" })).toBe("#/settings");
    expect(formatRoute({ page: "list", kind: "candidate" })).toBe("#/candidates");
    expect(formatRoute({ page: "detail", kind: "job", id: 42 })).toBe("#/jobs/42");
    expect(formatRoute({ page: "edit", kind: "client", id: 42 })).toBe("#/clients/42/edit");
    expect(formatRoute({ page: "new", kind: "contact" })).toBe("#/contacts/new");
    expect(formatRoute({ page: "import", kind: "candidate" })).toBe("#/candidates/import");
  });
});

describe("sectionOf", () => {
  it("keeps a kind's sidebar entry active on its detail and form pages", () => {
    expect(sectionOf({ page: "edit", kind: "job", id: 1 })).toBe("job");
    expect(sectionOf({ page: "new", kind: "client" })).toBe("client");
    expect(sectionOf({ page: "import", kind: "contact" })).toBe("contact");
    expect(sectionOf({ page: "email" })).toBe("email");
    expect(sectionOf({ page: "calendar" })).toBe("calendar");
    expect(sectionOf({ page: "settings" })).toBe("settings");
    expect(sectionOf({ page: "not_found", path: "x" }), "nothing is highlighted for an unknown page").toBeNull();
  });
});
