import { describe, expect, it } from "vitest";
import type { RecordDetail, RecordFields, RecordKind } from "../ipc/api";
import { emptyForm, errorField, FIELDS_BY_KIND, formFromRecord, toRecordInput, type FormState } from "./form";

function form(patch: Partial<FormState>): FormState {
  return { ...emptyForm(), ...patch };
}

function record(fields: RecordFields, notes = ""): RecordDetail {
  return {
    id: 5,
    kind: fields.kind,
    display_name: "Someone",
    fields,
    notes,
    owner_user_id: 1,
    is_imported: false,
    created_at: 1_700_000_000,
    updated_at: 1_700_000_100,
    client_name: null,
    primary_contact_name: null,
  };
}

describe("toRecordInput", () => {
  it("builds a candidate with trimmed names, no blank rows, and null for empty optional text", () => {
    const input = toRecordInput(
      "candidate",
      form({
        first_name: "  Ada ",
        last_name: "Lovelace\t",
        emails: ["", " ada@example.com ", "   ", "ada@work.example"],
        phones: ["  "],
        current_title: "   ",
        current_employer: " Analytical Engines Ltd ",
        notes: "\n  Met at the conference.\n  Follow up in May.\n\n",
      }),
    );
    expect(input).toEqual({
      fields: {
        kind: "candidate",
        first_name: "Ada",
        last_name: "Lovelace",
        emails: ["ada@example.com", "ada@work.example"],
        phones: [],
        current_title: null,
        current_employer: "Analytical Engines Ltd",
      },
      // Inner line breaks and indentation are the user's; only the blank edges go.
      notes: "Met at the conference.\n  Follow up in May.",
    });
  });

  it("sends exactly the fields of the kind, so the core never sees another kind's leftovers", () => {
    // One form state, as if the user had typed into every input the app has.
    const everything = form({
      first_name: "A",
      last_name: "B",
      emails: ["a@b.c"],
      phones: ["1"],
      current_title: "T",
      current_employer: "E",
      job_title: "J",
      address: "1 Main St",
      client_id: "3",
      primary_contact_id: "4",
      name: "N",
      website: "w.example",
      phone: "2",
      title: "Ti",
      status: "filled",
    });
    const keys = (kind: RecordKind) => Object.keys(toRecordInput(kind, everything).fields).sort();
    expect(keys("candidate")).toEqual(
      ["kind", "first_name", "last_name", "emails", "phones", "current_title", "current_employer"].sort(),
    );
    expect(keys("contact")).toEqual(
      ["kind", "first_name", "last_name", "emails", "phones", "job_title", "client_id", "address"].sort(),
    );
    expect(keys("client")).toEqual(["kind", "name", "website", "phone"].sort());
    expect(keys("job")).toEqual(["kind", "title", "client_id", "primary_contact_id", "status"].sort());
  });

  it("sends a contact's address trimmed with its inner line breaks kept, and null when blank", () => {
    const typed = toRecordInput("contact", form({ address: "\n  Initech Ltd\n1 Main Street\nSpringfield  \n" })).fields;
    expect(typed).toMatchObject({ kind: "contact", address: "Initech Ltd\n1 Main Street\nSpringfield" });
    const blank = toRecordInput("contact", form({ address: " \n\t " })).fields;
    expect(blank).toMatchObject({ kind: "contact", address: null });
    expect(toRecordInput("contact", form({})).fields, "an untouched form has no address").toMatchObject({ address: null });
  });

  it("turns select values into numeric ids, and the None option into null", () => {
    const contact = toRecordInput("contact", form({ client_id: "17" })).fields;
    expect(contact).toMatchObject({ kind: "contact", client_id: 17 });

    const job = toRecordInput("job", form({ title: "Engineer", client_id: "", primary_contact_id: "9", status: "on_hold" }));
    expect(job.fields).toEqual({ kind: "job", title: "Engineer", client_id: null, primary_contact_id: 9, status: "on_hold" });
  });

  it("never sends NaN or a non-id for a corrupted select value", () => {
    const job = toRecordInput("job", form({ client_id: "abc", primary_contact_id: "-2" })).fields;
    expect(job).toMatchObject({ client_id: null, primary_contact_id: null });
  });

  it("builds a client with null for an empty website and phone", () => {
    expect(toRecordInput("client", form({ name: " Initech ", website: "", phone: "  " }))).toEqual({
      fields: { kind: "client", name: "Initech", website: null, phone: null },
      notes: "",
    });
  });

  it("leaves required names as empty strings rather than null, so the core reports which one is missing", () => {
    const fields = toRecordInput("candidate", form({ first_name: "  ", last_name: "" })).fields;
    expect(fields).toMatchObject({ first_name: "", last_name: "" });
  });
});

describe("formFromRecord", () => {
  it("fills the inputs from a record so that saving unchanged sends the same fields back", () => {
    const samples: RecordFields[] = [
      {
        kind: "candidate",
        first_name: "Ada",
        last_name: "Lovelace",
        emails: ["ada@example.com", "a@b.example"],
        phones: ["+44 20 7946 0000"],
        current_title: "Analyst",
        current_employer: null,
      },
      {
        kind: "contact",
        first_name: "Grace",
        last_name: "Hopper",
        emails: [],
        phones: [],
        job_title: null,
        client_id: 3,
        address: "1 Main Street\nSpringfield",
      },
      {
        kind: "contact",
        first_name: "Alan",
        last_name: "Turing",
        emails: ["alan@example.com"],
        phones: [],
        job_title: "Mathematician",
        client_id: null,
        address: null,
      },
      { kind: "client", name: "Initech", website: "initech.example", phone: null },
      { kind: "job", title: "Compiler engineer", client_id: null, primary_contact_id: 8, status: "closed" },
    ];
    for (const fields of samples) {
      const input = toRecordInput(fields.kind, formFromRecord(record(fields, "Some notes")));
      expect(input, fields.kind).toEqual({ fields, notes: "Some notes" });
    }
  });

  it("gives a person without addresses one blank email and phone row to type into", () => {
    const f = formFromRecord(
      record({ kind: "contact", first_name: "G", last_name: "H", emails: [], phones: [], job_title: null, client_id: null, address: null }),
    );
    expect(f.emails).toEqual([""]);
    expect(f.phones).toEqual([""]);
  });

  it("copies the lists, so editing the form cannot change the loaded record", () => {
    const emails = ["a@b.example"];
    const f = formFromRecord(
      record({ kind: "candidate", first_name: "A", last_name: "B", emails, phones: [], current_title: null, current_employer: null }),
    );
    f.emails.push("c@d.example");
    expect(emails).toEqual(["a@b.example"]);
  });
});

describe("errorField", () => {
  it("puts an error under the field the core names when this kind's form shows it", () => {
    expect(errorField("candidate", "last_name")).toBe("last_name");
    expect(errorField("job", "primary_contact_id")).toBe("primary_contact_id");
    expect(errorField("client", "website")).toBe("website");
  });

  it("puts an error about one row of a list under the whole list", () => {
    expect(errorField("candidate", "emails[1]")).toBe("emails");
    expect(errorField("contact", "phones.0")).toBe("phones");
  });

  it("sends errors about fields the form does not show to the banner, so none is lost", () => {
    expect(errorField("client", "first_name"), "clients have no first name").toBeNull();
    expect(errorField("candidate", "owner_user_id")).toBeNull();
    expect(errorField("candidate", null)).toBeNull();
  });

  it("knows every field it lists for a kind", () => {
    for (const [kind, fields] of Object.entries(FIELDS_BY_KIND) as [RecordKind, readonly string[]][]) {
      for (const field of fields) expect(errorField(kind, field), `${kind}.${field}`).toBe(field);
    }
  });
});
