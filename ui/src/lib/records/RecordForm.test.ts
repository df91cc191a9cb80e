import { beforeEach, describe, expect, it, vi } from "vitest";
import { choose, click, controlNames, get, render, settle, type } from "../../test/dom";
import type { RecordDetail, RecordKind, RecordSummary } from "../ipc/api";
import RecordForm from "./RecordForm.svelte";

const api = vi.hoisted(() => ({
  listRecords: vi.fn(),
  createRecord: vi.fn(),
  updateRecord: vi.fn(),
}));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
}));
const { ApiFailure } = await import("../ipc/api");

const clients: RecordSummary[] = [
  { id: 11, kind: "client", display_name: "Initech", detail: null, updated_at: 1 },
  { id: 12, kind: "client", display_name: "Acme", detail: null, updated_at: 2 },
];
const contacts: RecordSummary[] = [{ id: 21, kind: "contact", display_name: "Grace Hopper", detail: null, updated_at: 1 }];

function saved(id: number, kind: RecordKind): RecordDetail {
  return { id, kind, display_name: "Saved" } as RecordDetail;
}

function renderForm(kind: RecordKind, record: RecordDetail | null = null) {
  const onsaved = vi.fn();
  const oncancel = vi.fn();
  const root = render(RecordForm, { kind, record, onsaved, oncancel });
  return { root, onsaved, oncancel };
}

beforeEach(() => {
  api.listRecords.mockImplementation(async (kind: RecordKind) => (kind === "client" ? clients : contacts));
  api.createRecord.mockReset();
  api.updateRecord.mockReset();
});

describe("RecordForm", () => {
  it("names every control after its RecordFields field, which the end-to-end tests rely on", async () => {
    const expected: { [K in RecordKind]: string[] } = {
      candidate: ["first_name", "last_name", "emails", "phones", "current_title", "current_employer", "notes"],
      contact: ["first_name", "last_name", "emails", "phones", "job_title", "client_id", "address", "notes"],
      client: ["name", "website", "phone", "notes"],
      job: ["title", "client_id", "primary_contact_id", "status", "notes"],
    };
    for (const kind of Object.keys(expected) as RecordKind[]) {
      const { root } = renderForm(kind);
      await settle();
      expect(controlNames(root), kind).toEqual(expected[kind]);
      expect(root.querySelector('[data-testid="save-record"]'), `${kind} save button`).not.toBeNull();
      root.remove();
    }
  });

  it("creates a candidate from what was typed, with extra email rows and blanks dropped", async () => {
    api.createRecord.mockResolvedValue(saved(7, "candidate"));
    const { root, onsaved } = renderForm("candidate");

    type(get(root, '[name="first_name"]'), " Ada ");
    type(get(root, '[name="last_name"]'), "Lovelace");
    type(get(root, '[name="emails"]'), "ada@example.com");
    click(get(root, "fieldset.multi button.add"));
    await settle();
    const emailRows = root.querySelectorAll<HTMLInputElement>('[name="emails"]');
    expect(emailRows, "Add another email adds a row").toHaveLength(2);
    expect(document.activeElement, "the new row takes focus").toBe(emailRows[1]);
    type(get(root, '[name="current_employer"]'), "Analytical Engines");
    click(get(root, '[data-testid="save-record"]'));
    await settle();

    expect(api.createRecord).toHaveBeenCalledWith({
      fields: {
        kind: "candidate",
        first_name: "Ada",
        last_name: "Lovelace",
        emails: ["ada@example.com"],
        phones: [],
        current_title: null,
        current_employer: "Analytical Engines",
      },
      notes: "",
    });
    expect(onsaved).toHaveBeenCalledWith(saved(7, "candidate"));
  });

  it("shows a validation error under the field the core names, and keeps the form open", async () => {
    api.createRecord.mockRejectedValue(new ApiFailure("invalid", "Enter a last name.", "last_name"));
    const { root, onsaved } = renderForm("candidate");

    click(get(root, '[data-testid="save-record"]'));
    await settle();

    expect(get(root, '[data-testid="field-error-last_name"]').textContent).toBe("Enter a last name.");
    expect(get(root, '[name="last_name"]').getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement, "focus moves to the field to fix").toBe(get(root, '[name="last_name"]'));
    expect(root.querySelector('[data-testid="error-banner"]'), "a field error is not also a banner").toBeNull();
    expect(onsaved).not.toHaveBeenCalled();
  });

  it("shows other errors in the banner, including invalid ones about fields the form lacks", async () => {
    api.createRecord.mockRejectedValueOnce(new ApiFailure("storage", "The database is read-only."));
    const { root } = renderForm("client");
    click(get(root, '[data-testid="save-record"]'));
    await settle();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("The database is read-only.");

    api.createRecord.mockRejectedValueOnce(new ApiFailure("invalid", "Owner is unknown.", "owner_user_id"));
    click(get(root, '[data-testid="save-record"]'));
    await settle();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("Owner is unknown.");
  });

  it("offers clients and contacts from the lists, with None, and sends the chosen ids", async () => {
    api.createRecord.mockResolvedValue(saved(30, "job"));
    const { root } = renderForm("job");
    await settle();

    const clientSelect = get<HTMLSelectElement>(root, '[name="client_id"]');
    expect([...clientSelect.options].map((o) => o.text)).toEqual(["None", "Acme", "Initech"]);
    type(get(root, '[name="title"]'), "Compiler engineer");
    choose(clientSelect, "11");
    choose(get(root, '[name="primary_contact_id"]'), "21");
    choose(get(root, '[name="status"]'), "on_hold");
    click(get(root, '[data-testid="save-record"]'));
    await settle();

    expect(api.createRecord).toHaveBeenCalledWith({
      fields: { kind: "job", title: "Compiler engineer", client_id: 11, primary_contact_id: 21, status: "on_hold" },
      notes: "",
    });
  });

  it("updates the record it was opened with, starting from its values", async () => {
    const record = {
      id: 4,
      kind: "client",
      display_name: "Initech",
      fields: { kind: "client", name: "Initech", website: "initech.example", phone: null },
      notes: "Pays late.",
    } as RecordDetail;
    api.updateRecord.mockResolvedValue(record);
    const { root, onsaved } = renderForm("client", record);

    expect(get<HTMLInputElement>(root, '[name="website"]').value).toBe("initech.example");
    type(get(root, '[name="phone"]'), "+1 555 0100");
    click(get(root, '[data-testid="save-record"]'));
    await settle();

    expect(api.createRecord).not.toHaveBeenCalled();
    expect(api.updateRecord).toHaveBeenCalledWith(4, {
      fields: { kind: "client", name: "Initech", website: "initech.example", phone: "+1 555 0100" },
      notes: "Pays late.",
    });
    expect(onsaved).toHaveBeenCalledWith(record);
  });

  it("shows a contact's address in a multi-line box and saves what was typed there", async () => {
    const record: RecordDetail = {
      id: 8,
      kind: "contact",
      display_name: "Grace Hopper",
      fields: {
        kind: "contact",
        first_name: "Grace",
        last_name: "Hopper",
        emails: ["grace@example.com"],
        phones: [],
        job_title: null,
        client_id: null,
        address: "1 Main Street\nSpringfield",
      },
      notes: "",
      owner_user_id: 1,
      is_imported: false,
      created_at: 1_700_000_000,
      updated_at: 1_700_000_100,
      client_name: null,
      primary_contact_name: null,
    };
    api.updateRecord.mockResolvedValue(record);
    const { root } = renderForm("contact", record);
    await settle();

    const address = get<HTMLTextAreaElement>(root, '[name="address"]');
    expect(address.tagName, "an address has several lines").toBe("TEXTAREA");
    expect(address.value).toBe("1 Main Street\nSpringfield");
    type(address, "  2 High Street\nShelbyville\n ");
    click(get(root, '[data-testid="save-record"]'));
    await settle();

    expect(api.updateRecord).toHaveBeenCalledWith(8, {
      fields: {
        kind: "contact",
        first_name: "Grace",
        last_name: "Hopper",
        emails: ["grace@example.com"],
        phones: [],
        job_title: null,
        client_id: null,
        address: "2 High Street\nShelbyville",
      },
      notes: "",
    });
  });

  it("puts the core's error about the address under the address box", async () => {
    api.createRecord.mockRejectedValue(new ApiFailure("invalid", "The address is too long.", "address"));
    const { root } = renderForm("contact");
    await settle();
    click(get(root, '[data-testid="save-record"]'));
    await settle();
    expect(get(root, '[data-testid="field-error-address"]').textContent).toBe("The address is too long.");
    expect(document.activeElement).toBe(get(root, '[name="address"]'));
  });

  it("cancels on Esc without saving", () => {
    const { oncancel } = renderForm("client");
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(oncancel).toHaveBeenCalledOnce();
    expect(api.createRecord).not.toHaveBeenCalled();
  });
});
