import { describe, expect, it } from "vitest";
import type { RecordSummary } from "../ipc/api";
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
