import { beforeEach, describe, expect, it, vi } from "vitest";
import { get, render, settle } from "../../test/dom";
import type { CandidateJob } from "../ipc/api";
import CandidateJobs from "./CandidateJobs.svelte";

const api = vi.hoisted(() => ({ candidateJobs: vi.fn() }));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
}));
const { ApiFailure } = await import("../ipc/api");

const jobs: CandidateJob[] = [
  {
    job_id: 42,
    title: "Compiler engineer",
    client_id: 3,
    client_name: "Initech",
    status: "open",
    stage: "interview",
    added_at: 1_700_000_000,
    stage_changed_at: 1_700_000_100,
  },
  {
    job_id: 43,
    title: "Team lead",
    client_id: null,
    client_name: null,
    status: "on_hold",
    stage: "rejected",
    added_at: 1_700_000_000,
    stage_changed_at: 1_700_000_000,
  },
];

beforeEach(() => {
  api.candidateJobs.mockReset().mockResolvedValue(jobs);
});

describe("CandidateJobs", () => {
  it("lists the openings the candidate is in, linked, with the stage and the opening's status", async () => {
    const root = render(CandidateJobs, { candidateId: 7 });
    await settle();

    expect(api.candidateJobs).toHaveBeenCalledWith(7);
    const first = get(root, '[data-job-id="42"]');
    expect(get(first, "a").getAttribute("href")).toBe("#/jobs/42");
    expect(get(first, "a").textContent?.trim()).toBe("Compiler engineer at Initech");
    expect(get(first, '[data-testid="candidate-job-stage"]').textContent).toBe("Interview");
    expect(first.textContent).toContain("Open");

    const second = get(root, '[data-job-id="43"]');
    expect(get(second, "a").textContent?.trim(), "no client, just the title").toBe("Team lead");
    expect(get(second, '[data-testid="candidate-job-stage"]').textContent).toBe("Rejected");
    expect(second.textContent).toContain("On hold");
  });

  it("says when the candidate is in no pipeline", async () => {
    api.candidateJobs.mockResolvedValue([]);
    const root = render(CandidateJobs, { candidateId: 7 });
    await settle();
    expect(get(root, '[data-testid="candidate-jobs-empty"]').textContent).toContain(
      "Not in any job opening's pipeline yet",
    );
  });

  it("shows the core's message when the list cannot be loaded", async () => {
    api.candidateJobs.mockRejectedValue(new ApiFailure("storage", "The local database reported an error."));
    const root = render(CandidateJobs, { candidateId: 7 });
    await settle();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("The local database reported an error.");
  });
});
