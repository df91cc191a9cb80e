import { describe, expect, it } from "vitest";
import type { RecordSummary } from "../ipc/api";
import { pickable, STAGES } from "./pipeline";
import { en } from "../i18n/en";

const people: RecordSummary[] = [
  { id: 1, kind: "candidate", display_name: "Łukasz Wiśniewski", detail: "lukasz@example.pl", updated_at: 1 },
  { id: 2, kind: "candidate", display_name: "anna Berg", detail: null, updated_at: 1 },
  { id: 3, kind: "candidate", display_name: "Wei Zhang", detail: "wei.zhang@example.cn", updated_at: 1 },
];

describe("pickable", () => {
  it("leaves out candidates already in the pipeline and sorts the rest by name", () => {
    expect(pickable(people, new Set([3]), "").map((p) => p.id)).toEqual([2, 1]);
  });

  it("needs every word of the filter in the name or the email, ignoring case", () => {
    expect(pickable(people, new Set(), "  ZHANG  example.cn ").map((p) => p.id)).toEqual([3]);
    expect(pickable(people, new Set(), "łukasz").map((p) => p.id)).toEqual([1]);
    expect(pickable(people, new Set(), "berg example")).toEqual([]);
  });
});

describe("STAGES", () => {
  it("has a label for every stage, in the same order as the labels", () => {
    expect(Object.keys(en.pipeline.stages)).toEqual([...STAGES]);
  });
});
