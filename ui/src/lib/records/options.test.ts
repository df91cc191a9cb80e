import { describe, expect, it } from "vitest";
import type { RecordSummary } from "../ipc/api";
import { newestFirst } from "./list";
import { optionsFrom } from "./options";

function summary(id: number, display_name: string, updated_at = 0): RecordSummary {
  return { id, kind: "client", display_name, detail: null, updated_at };
}

describe("optionsFrom", () => {
  it("lists linked records by name", () => {
    expect(optionsFrom([summary(2, "Zeta"), summary(1, "Acme")], null, null)).toEqual([
      { value: "1", label: "Acme" },
      { value: "2", label: "Zeta" },
    ]);
  });

  it("keeps the current link while the list is loading, so the select does not show None", () => {
    expect(optionsFrom(null, 7, "Initech")).toEqual([{ value: "7", label: "Initech" }]);
  });

  it("does not list the current link twice once it has loaded", () => {
    expect(optionsFrom([summary(7, "Initech")], 7, "Initech")).toHaveLength(1);
  });
});

describe("newestFirst", () => {
  it("orders by last update, newest first, and breaks ties by the newer id", () => {
    const sorted = newestFirst([summary(1, "old", 100), summary(2, "new", 300), summary(3, "tie", 300)]);
    expect(sorted.map((s) => s.id)).toEqual([3, 2, 1]);
  });
});
