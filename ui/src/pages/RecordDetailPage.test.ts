import { beforeEach, describe, expect, it, vi } from "vitest";
import { click, get, render, settle } from "../test/dom";
import type { RecordDetail } from "../lib/ipc/api";
import RecordDetailPage from "./RecordDetailPage.svelte";

const api = vi.hoisted(() => ({
  getRecord: vi.fn(),
  deleteRecord: vi.fn(),
  recordEmails: vi.fn(),
  sharedAddresses: vi.fn(),
  sendingAccounts: vi.fn(),
  listTemplates: vi.fn(),
  jobPipeline: vi.fn(),
  candidateJobs: vi.fn(),
  recordEvents: vi.fn(),
}));
vi.mock("../lib/ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/ipc/api")>()),
  api,
}));

const job: RecordDetail = {
  id: 42,
  kind: "job",
  display_name: "Compiler engineer",
  fields: { kind: "job", title: "Compiler engineer", client_id: 3, primary_contact_id: null, status: "on_hold" },
  notes: "Relocation offered.",
  owner_user_id: 1,
  is_imported: false,
  created_at: 1_700_000_000,
  updated_at: 1_700_000_500,
  client_name: "Initech",
  primary_contact_name: null,
};

beforeEach(() => {
  api.getRecord.mockReset().mockResolvedValue(job);
  api.deleteRecord.mockReset().mockResolvedValue(undefined);
  api.recordEmails.mockReset().mockResolvedValue([]);
  api.sharedAddresses.mockReset().mockResolvedValue([]);
  api.sendingAccounts.mockReset().mockResolvedValue([]);
  api.listTemplates.mockReset().mockResolvedValue([]);
  api.jobPipeline.mockReset().mockResolvedValue([]);
  api.candidateJobs.mockReset().mockResolvedValue([]);
  api.recordEvents.mockReset().mockResolvedValue([]);
  window.location.hash = "#/jobs/42";
});

describe("RecordDetailPage", () => {
  it("shows the record's name and fields, with the client linked to its page", async () => {
    const root = render(RecordDetailPage, { kind: "job", id: 42 });
    await settle();

    expect(get(root, '[data-testid="record-title"]').textContent).toBe("Compiler engineer");
    expect(root.textContent).toContain("On hold");
    expect(root.textContent).toContain("Relocation offered.");
    expect(get(root, 'a[href="#/clients/3"]').textContent).toBe("Initech");
  });

  it("lists the primary contact's mail in the Emails section", async () => {
    const root = render(RecordDetailPage, { kind: "job", id: 42 });
    await settle();
    expect(api.recordEmails).toHaveBeenCalledWith(42);
    expect(get(root, '[data-testid="record-emails"]').textContent).toContain(
      "No emails with this job opening's primary contact yet.",
    );
  });

  it("shows the job opening's pipeline and events between its fields and its Emails", async () => {
    const root = render(RecordDetailPage, { kind: "job", id: 42 });
    await settle();
    expect(api.jobPipeline).toHaveBeenCalledWith(42);
    expect(api.recordEvents).toHaveBeenCalledWith(42);
    const sections = [...root.querySelectorAll("section")].map((s) => s.dataset.testid ?? "fields");
    expect(sections).toEqual(["fields", "job-pipeline", "record-events", "record-emails"]);
    expect(api.candidateJobs, "a job opening is in no pipeline itself").not.toHaveBeenCalled();
  });

  it("shows a candidate's events and interviews, and none on a client's page", async () => {
    api.getRecord.mockResolvedValue({
      ...job,
      id: 7,
      kind: "candidate",
      display_name: "Anna Berg",
      fields: { kind: "candidate", first_name: "Anna", last_name: "Berg", emails: [], phones: [], current_title: null, current_employer: null },
    });
    const root = render(RecordDetailPage, { kind: "candidate", id: 7 });
    await settle();
    expect(api.recordEvents).toHaveBeenCalledWith(7);
    const sections = [...root.querySelectorAll("section")].map((s) => s.dataset.testid ?? "fields");
    expect(sections).toEqual(["fields", "candidate-jobs", "record-events", "record-emails"]);
    expect(get(root, '[data-testid="record-events"] h2').textContent).toBe("Events and interviews");

    api.recordEvents.mockClear();
    api.getRecord.mockResolvedValue({
      ...job,
      id: 3,
      kind: "client",
      display_name: "Initech",
      fields: { kind: "client", name: "Initech", website: null, phone: null },
    });
    const client = render(RecordDetailPage, { kind: "client", id: 3 });
    await settle();
    expect(client.querySelector('[data-testid="record-events"]')).toBeNull();
    expect(api.recordEvents).not.toHaveBeenCalled();
  });

  it("deletes only after the inline confirmation, then returns to the list", async () => {
    const root = render(RecordDetailPage, { kind: "job", id: 42 });
    await settle();

    expect(root.querySelector('[data-testid="confirm-delete"]'), "no confirmation before Delete").toBeNull();
    click(get(root, '[data-testid="delete-record"]'));
    expect(api.deleteRecord, "Delete alone must not delete").not.toHaveBeenCalled();
    click(get(root, '[data-testid="confirm-delete"]'));
    await settle();

    expect(api.deleteRecord).toHaveBeenCalledWith(42);
    expect(window.location.hash).toBe("#/jobs");
  });

  it("keeps the record when the confirmation is declined", async () => {
    const root = render(RecordDetailPage, { kind: "job", id: 42 });
    await settle();
    click(get(root, '[data-testid="delete-record"]'));
    click(get(root, ".confirm .btn:not(.btn-danger)"));
    expect(root.querySelector('[data-testid="confirm-delete"]')).toBeNull();
    expect(api.deleteRecord).not.toHaveBeenCalled();
  });

  it("shows the core's message in the banner when the record cannot be loaded", async () => {
    const { ApiFailure } = await import("../lib/ipc/api");
    api.getRecord.mockRejectedValue(new ApiFailure("not_found", "This job opening no longer exists."));
    const root = render(RecordDetailPage, { kind: "job", id: 42 });
    await settle();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("This job opening no longer exists.");
    expect(root.querySelector('[data-testid="record-title"]')).toBeNull();
  });
});
