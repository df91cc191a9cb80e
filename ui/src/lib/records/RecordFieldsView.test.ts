import { describe, expect, it } from "vitest";
import { get, render } from "../../test/dom";
import type { RecordDetail, RecordFields } from "../ipc/api";
import RecordFieldsView from "./RecordFieldsView.svelte";

function contact(address: string | null): RecordDetail {
  const fields: RecordFields = {
    kind: "contact",
    first_name: "Grace",
    last_name: "Hopper",
    emails: ["grace@example.com"],
    phones: [],
    job_title: "Rear admiral",
    client_id: 3,
    address,
  };
  return {
    id: 8,
    kind: "contact",
    display_name: "Grace Hopper",
    fields,
    notes: "",
    owner_user_id: 1,
    is_imported: false,
    created_at: 1_700_000_000,
    updated_at: 1_700_000_100,
    client_name: "Initech",
    primary_contact_name: null,
  };
}

describe("RecordFieldsView", () => {
  it("shows a contact's address with its line breaks kept", () => {
    const root = render(RecordFieldsView, { record: contact("1 Main Street\nSpringfield\nUSA") });
    const address = get(root, '[data-testid="record-address"]');
    expect(address.textContent).toBe("1 Main Street\nSpringfield\nUSA");
    expect(address.previousElementSibling?.textContent).toBe("Address");
    // Styles are not applied in tests; this class is the one given white-space: pre-line.
    expect(address.classList.contains("address")).toBe(true);
    expect(root.textContent).toContain("Rear admiral");
    expect(get(root, 'a[href="#/clients/3"]').textContent).toBe("Initech");
  });

  it("leaves the address out when the contact has none", () => {
    const root = render(RecordFieldsView, { record: contact(null) });
    expect(root.querySelector('[data-testid="record-address"]')).toBeNull();
    expect(root.textContent).not.toContain("Address");
  });
});
