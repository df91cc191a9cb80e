import { beforeEach, describe, expect, it, vi } from "vitest";
import { choose, click, get, render, settle, type } from "../../test/dom";
import type { PipelineEntry, RecordSummary } from "../ipc/api";
import JobPipeline from "./JobPipeline.svelte";

const api = vi.hoisted(() => ({
  jobPipeline: vi.fn(),
  setPipelineStage: vi.fn(),
  removeFromPipeline: vi.fn(),
  addToPipeline: vi.fn(),
  listRecords: vi.fn(),
}));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
}));
const { ApiFailure } = await import("../ipc/api");

function entry(candidate_id: number, display_name: string, stage: PipelineEntry["stage"]): PipelineEntry {
  return {
    job_id: 42,
    candidate_id,
    display_name,
    email: `${display_name.split(" ")[0]?.toLowerCase()}@example.com`,
    stage,
    added_at: 1_700_000_000,
    stage_changed_at: 1_700_000_100,
  };
}

const anna = entry(7, "Anna Berg", "new");
const wei = entry(8, "Wei Zhang", "interview");

const candidates: RecordSummary[] = [
  { id: 7, kind: "candidate", display_name: "Anna Berg", detail: "anna@example.com", updated_at: 1 },
  { id: 8, kind: "candidate", display_name: "Wei Zhang", detail: "wei@example.com", updated_at: 1 },
  { id: 9, kind: "candidate", display_name: "Zofia Nowak", detail: "zofia@example.pl", updated_at: 1 },
  { id: 10, kind: "candidate", display_name: "Jan Kowalski", detail: null, updated_at: 1 },
];

function rows(root: HTMLElement): string[] {
  return [...root.querySelectorAll<HTMLElement>('[data-testid="pipeline-row"]')].map((row) => {
    const select = get<HTMLSelectElement>(row, '[data-testid="pipeline-stage"]');
    return `${get(row, "a").textContent?.trim()}: ${select.value}`;
  });
}

beforeEach(() => {
  api.jobPipeline.mockReset().mockResolvedValue([anna, wei]);
  api.setPipelineStage.mockReset();
  api.removeFromPipeline.mockReset().mockResolvedValue(undefined);
  api.addToPipeline.mockReset();
  api.listRecords.mockReset().mockResolvedValue(candidates);
});

describe("JobPipeline", () => {
  it("lists the candidates in the core's order, each linked to their page with their stage", async () => {
    const root = render(JobPipeline, { jobId: 42 });
    await settle();

    expect(api.jobPipeline).toHaveBeenCalledWith(42);
    expect(rows(root)).toEqual(["Anna Berg: new", "Wei Zhang: interview"]);
    expect(get(root, '[data-candidate-id="8"] a').getAttribute("href")).toBe("#/candidates/8");
    expect(get(root, '[data-candidate-id="8"]').textContent).toContain("wei@example.com");
    expect(get(root, "h2").textContent).toContain("2 candidates");
    const labels = [...get(root, '[data-testid="pipeline-stage"]').querySelectorAll("option")].map((o) => o.textContent);
    expect(labels, "every stage, in pipeline order").toEqual([
      "New",
      "Contacted",
      "Screening",
      "Interview",
      "Offer",
      "Hired",
      "Rejected",
    ]);
  });

  it("says the pipeline is empty rather than showing nothing", async () => {
    api.jobPipeline.mockResolvedValue([]);
    const root = render(JobPipeline, { jobId: 42 });
    await settle();
    expect(get(root, '[data-testid="pipeline-empty"]').textContent).toContain("No candidates in this pipeline yet");
  });

  it("saves a new stage as soon as it is chosen", async () => {
    api.setPipelineStage.mockResolvedValue({ ...anna, stage: "screening", stage_changed_at: 1_700_000_900 });
    const root = render(JobPipeline, { jobId: 42 });
    await settle();

    choose(get(root, '[data-candidate-id="7"] [data-testid="pipeline-stage"]'), "screening");
    await settle();

    expect(api.setPipelineStage).toHaveBeenCalledWith(42, 7, "screening");
    expect(rows(root), "the row stays where it was, with its new stage").toEqual([
      "Anna Berg: screening",
      "Wei Zhang: interview",
    ]);
  });

  it("puts the stage back and shows the core's message when the change is refused", async () => {
    api.setPipelineStage.mockRejectedValue(
      new ApiFailure("not_found", "Anna Berg is not in the pipeline of \"Compiler engineer\"; add them first."),
    );
    const root = render(JobPipeline, { jobId: 42 });
    await settle();

    choose(get(root, '[data-candidate-id="7"] [data-testid="pipeline-stage"]'), "hired");
    await settle();

    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("Anna Berg is not in the pipeline");
    expect(rows(root), "the select shows the stage that is stored").toEqual(["Anna Berg: new", "Wei Zhang: interview"]);
  });

  it("removes a candidate only after the inline confirmation", async () => {
    const root = render(JobPipeline, { jobId: 42 });
    await settle();

    click(get(root, '[data-candidate-id="8"] [data-testid="pipeline-remove"]'));
    expect(api.removeFromPipeline, "Remove alone must not remove").not.toHaveBeenCalled();
    expect(get(root, '[role="alertdialog"]').textContent).toContain("Take Wei Zhang out of this pipeline?");
    click(get(root, '[data-testid="pipeline-confirm-remove"]'));
    await settle();

    expect(api.removeFromPipeline).toHaveBeenCalledWith(42, 8);
    expect(rows(root)).toEqual(["Anna Berg: new"]);
  });

  it("keeps the candidate when the removal is declined", async () => {
    const root = render(JobPipeline, { jobId: 42 });
    await settle();
    click(get(root, '[data-candidate-id="8"] [data-testid="pipeline-remove"]'));
    click(get(root, ".confirm .btn:not(.btn-danger)"));
    expect(root.querySelector('[data-testid="pipeline-confirm-remove"]')).toBeNull();
    expect(api.removeFromPipeline).not.toHaveBeenCalled();
    expect(rows(root)).toHaveLength(2);
  });

  it("adds a candidate picked from the filtered candidates list, offering only those not in it yet", async () => {
    const root = render(JobPipeline, { jobId: 42 });
    await settle();

    click(get(root, '[data-testid="pipeline-add"]'));
    await settle();
    expect(api.listRecords).toHaveBeenCalledWith("candidate");
    const offered = () =>
      [...root.querySelectorAll<HTMLElement>('[data-testid="pipeline-option"]')].map((o) => o.dataset.candidateId);
    expect(offered(), "Anna and Wei are already in the pipeline; the rest in name order").toEqual(["10", "9"]);

    type(get(root, '[data-testid="pipeline-filter"]'), "NOWAK");
    expect(offered(), "the filter matches names ignoring case").toEqual(["9"]);
    type(get(root, '[data-testid="pipeline-filter"]'), "example.pl");
    expect(offered(), "and email addresses").toEqual(["9"]);
    type(get(root, '[data-testid="pipeline-filter"]'), "nobody");
    expect(get(root, '[data-testid="pipeline-picker"]').textContent).toContain("No candidate matches this search.");
    type(get(root, '[data-testid="pipeline-filter"]'), "zofia");

    const zofia = entry(9, "Zofia Nowak", "new");
    api.addToPipeline.mockResolvedValue(zofia);
    api.jobPipeline.mockResolvedValue([anna, zofia, wei]);
    click(get(root, '[data-testid="pipeline-option"][data-candidate-id="9"]'));
    await settle();

    expect(api.addToPipeline).toHaveBeenCalledWith(42, 9, null);
    expect(rows(root), "the list is reloaded in the core's order").toEqual([
      "Anna Berg: new",
      "Zofia Nowak: new",
      "Wei Zhang: interview",
    ]);
    expect(get(root, '[data-testid="pipeline-status"]').textContent).toBe("Zofia Nowak was added at the stage New.");
    expect(root.querySelector('[data-candidate-id="9"][data-testid="pipeline-option"]'), "no longer offered").toBeNull();

    click(get(root, '[data-testid="pipeline-done"]'));
    expect(root.querySelector('[data-testid="pipeline-picker"]')).toBeNull();
  });

  it("shows the core's message when adding fails, and adds nothing", async () => {
    api.addToPipeline.mockRejectedValue(
      new ApiFailure(
        "invalid",
        "Zofia Nowak is already in the pipeline of \"Compiler engineer\" at stage offer.",
        "candidate_id",
      ),
    );
    const root = render(JobPipeline, { jobId: 42 });
    await settle();
    click(get(root, '[data-testid="pipeline-add"]'));
    await settle();
    click(get(root, '[data-testid="pipeline-option"][data-candidate-id="9"]'));
    await settle();

    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("already in the pipeline");
    expect(rows(root)).toHaveLength(2);
  });
});
