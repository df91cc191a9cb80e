import { beforeEach, describe, expect, it, vi } from "vitest";
import { choose, click, get, render, settle } from "../../test/dom";
import type { ContactFields, MappingEntry } from "../ipc/api";
import ContactMapping from "./ContactMapping.svelte";

const api = vi.hoisted(() => ({
  contactsMapping: vi.fn(),
  contactsFields: vi.fn(),
  setContactsMapping: vi.fn(),
}));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
}));
const { ApiFailure } = await import("../ipc/api");

const fields: ContactFields = {
  // A field newer than the catalogue's labels shows under its own name.
  graph_fields: ["givenName", "surname", "emailAddresses", "personalNotes", "assistantName"],
  candor_fields: ["first_name", "last_name", "emails", "notes"],
};
const current: MappingEntry[] = [
  { graph_field: "givenName", candor_field: "first_name" },
  { graph_field: "emailAddresses", candor_field: "emails" },
  { graph_field: "surname", candor_field: "last_name" },
];
const DEFAULT: MappingEntry[] = [
  { graph_field: "givenName", candor_field: "first_name" },
  { graph_field: "surname", candor_field: "last_name" },
];

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  api.contactsMapping.mockResolvedValue(current);
  api.contactsFields.mockResolvedValue(fields);
});

async function open() {
  const root = render(ContactMapping, {});
  expect(api.contactsMapping, "nothing loads before the user asks").not.toHaveBeenCalled();
  click(get(root, '[data-testid="mapping-open"]'));
  await settle();
  return root;
}

function rows(root: ParentNode): [string, string][] {
  return [...root.querySelectorAll('[data-testid="mapping-row"]')].map((row) => [
    get<HTMLSelectElement>(row, "select[name=mapping-graph]").value,
    get<HTMLSelectElement>(row, "select[name=mapping-candor]").value,
  ]);
}

function selects(root: ParentNode, name: string): HTMLSelectElement[] {
  return [...root.querySelectorAll<HTMLSelectElement>(`select[name=${name}]`)];
}

describe("contacts field mapping", () => {
  it("lists the current pairs with the fields' names as people know them", async () => {
    const root = await open();
    const panel = get(root, '[data-testid="contact-mapping"]');
    expect(get(panel, "h4").textContent).toBe("Field mapping");
    expect(document.activeElement, "the panel's title takes the focus").toBe(get(panel, "h4"));
    expect([...panel.querySelectorAll("th")].map((th) => th.textContent)).toEqual(["Microsoft 365 field", "Candor field"]);
    expect(rows(root)).toEqual([
      ["givenName", "first_name"],
      ["emailAddresses", "emails"],
      ["surname", "last_name"],
    ]);
    const [graph] = selects(root, "mapping-graph");
    expect(graph?.getAttribute("aria-label")).toBe("Microsoft 365 field 1");
    expect([...(graph?.options ?? [])].map((o) => o.textContent)).toEqual([
      "First name",
      "Last name",
      "Email addresses",
      "Notes",
      "assistantName",
    ]);
    const [candor] = selects(root, "mapping-candor");
    expect([...(candor?.options ?? [])].map((o) => [o.value, o.textContent])).toEqual([
      ["", "Not synced"],
      ["first_name", "First name"],
      ["last_name", "Last name"],
      ["emails", "Email addresses"],
      ["notes", "Notes"],
    ]);
    expect(get(root, '[data-testid="mapping-remove"]').getAttribute("aria-label")).toBe("Remove First name");
  });

  it("saves the rows as edited: changed, added and removed, without the ones not synced", async () => {
    const saved: MappingEntry[] = [
      { graph_field: "givenName", candor_field: "first_name" },
      { graph_field: "personalNotes", candor_field: "notes" },
    ];
    api.setContactsMapping.mockResolvedValue(saved);
    const root = await open();

    // Emails no longer synced; surname removed; a new row, on the first field not yet used.
    choose(selects(root, "mapping-candor")[1] as HTMLSelectElement, "");
    click(root.querySelectorAll('[data-testid="mapping-remove"]')[2] as Element);
    click(get(root, '[data-testid="mapping-add"]'));
    await settle();
    expect(rows(root)).toEqual([
      ["givenName", "first_name"],
      ["emailAddresses", ""],
      ["surname", ""],
    ]);
    expect(document.activeElement, "the new row takes the focus").toBe(selects(root, "mapping-graph")[2]);
    choose(selects(root, "mapping-graph")[2] as HTMLSelectElement, "personalNotes");
    choose(selects(root, "mapping-candor")[2] as HTMLSelectElement, "notes");

    get<HTMLFormElement>(root, "form").requestSubmit();
    await settle();
    expect(api.setContactsMapping).toHaveBeenCalledExactlyOnceWith([
      { graph_field: "givenName", candor_field: "first_name" },
      { graph_field: "personalNotes", candor_field: "notes" },
    ]);
    expect(rows(root), "what the core kept").toEqual([
      ["givenName", "first_name"],
      ["personalNotes", "notes"],
    ]);
    expect(get(root, '[data-testid="mapping-notice"]').textContent).toBe("The field mapping is saved.");
  });

  it("shows the core's message when it refuses the mapping, and keeps the rows", async () => {
    api.setContactsMapping.mockRejectedValue(
      new ApiFailure("invalid", '"surname" or "first_name" is mapped twice.', "mapping"),
    );
    const root = await open();
    choose(selects(root, "mapping-candor")[2] as HTMLSelectElement, "first_name");
    get<HTMLFormElement>(root, "form").requestSubmit();
    await settle();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain('"surname" or "first_name" is mapped twice.');
    expect(rows(root)[2]).toEqual(["surname", "first_name"]);
    expect(root.querySelector('[data-testid="mapping-notice"]')).toBeNull();
  });

  it("restores the default by sending an empty list, and shows the default", async () => {
    api.setContactsMapping.mockResolvedValue(DEFAULT);
    const root = await open();
    click(get(root, '[data-testid="mapping-restore"]'));
    await settle();
    expect(api.setContactsMapping).toHaveBeenCalledExactlyOnceWith([]);
    expect(rows(root)).toEqual([
      ["givenName", "first_name"],
      ["surname", "last_name"],
    ]);
    expect(get(root, '[data-testid="mapping-notice"]').textContent).toBe("The default field mapping is restored.");
  });

  it("never saves a mapping that syncs nothing, which the core would take for Restore default", async () => {
    const root = await open();
    for (const select of selects(root, "mapping-candor")) choose(select, "");
    get<HTMLFormElement>(root, "form").requestSubmit();
    await settle();
    expect(api.setContactsMapping).not.toHaveBeenCalled();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain(
      "No field is synced. Choose a Candor field for at least one Microsoft 365 field, or restore the default.",
    );
  });

  it("offers no new row once every Microsoft 365 field is used, and closes back to its button", async () => {
    const root = await open();
    click(get(root, '[data-testid="mapping-add"]'));
    click(get(root, '[data-testid="mapping-add"]'));
    await settle();
    expect(rows(root).map(([graph]) => graph)).toEqual([
      "givenName",
      "emailAddresses",
      "surname",
      "personalNotes",
      "assistantName",
    ]);
    expect(get<HTMLButtonElement>(root, '[data-testid="mapping-add"]').disabled).toBe(true);

    const close = [...root.querySelectorAll("button")].find((b) => b.textContent?.trim() === "Close") as Element;
    click(close);
    await settle();
    expect(root.querySelector('[data-testid="contact-mapping"]')).toBeNull();
    expect(document.activeElement).toBe(get(root, '[data-testid="mapping-open"]'));
    expect(api.setContactsMapping, "closing saves nothing").not.toHaveBeenCalled();
  });

  it("shows the core's message when the mapping cannot be loaded", async () => {
    api.contactsFields.mockRejectedValue(new ApiFailure("storage", "The local database reported an error."));
    const root = await open();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("The local database reported an error.");
    expect(root.querySelector("form")).toBeNull();
  });
});
