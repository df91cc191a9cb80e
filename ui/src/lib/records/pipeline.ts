// The stages of a job opening's pipeline, in order, and the candidate picker's filter. The order
// is the Rust `PipelineStage` enum's; the type checks below fail the build if the two differ in
// which stages they have.

import type { PipelineStage, RecordSummary } from "../ipc/api";

export const STAGES = [
  "new",
  "contacted",
  "screening",
  "interview",
  "offer",
  "hired",
  "rejected",
] as const satisfies readonly PipelineStage[];

type Missing = Exclude<PipelineStage, (typeof STAGES)[number]>;
// A stage added in Rust and not here makes `Missing` non-empty, and this line a type error.
export const STAGES_COMPLETE: [Missing] extends [never] ? true : never = true;

/** How many matching candidates the picker lists at once; typing narrows the rest. */
export const PICKER_LIMIT = 50;

/**
 * Candidates that may still be added: not already in the pipeline, and with every word of the
 * filter in their name or first email (case ignored), in name order.
 */
export function pickable(
  candidates: readonly RecordSummary[],
  inPipeline: ReadonlySet<number>,
  filter: string,
): RecordSummary[] {
  const words = filter.toLocaleLowerCase().split(/\s+/).filter((w) => w !== "");
  return candidates
    .filter((c) => !inPipeline.has(c.id))
    .filter((c) => {
      const text = `${c.display_name} ${c.detail ?? ""}`.toLocaleLowerCase();
      return words.every((w) => text.includes(w));
    })
    .sort((a, b) => a.display_name.localeCompare(b.display_name));
}
