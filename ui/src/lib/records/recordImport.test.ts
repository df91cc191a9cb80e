import { describe, expect, it } from "vitest";
import { ApiFailure, type ColumnMapping, type RecordImportReport, type RowProblem } from "../ipc/api";
import { t } from "../i18n";
import {
  ENCODINGS,
  IMPORT_FIELDS,
  PROBLEMS_SHOWN,
  buildRequest,
  carryOver,
  encodingName,
  formatOf,
  hasEncodingProblems,
  hasNameOrEmail,
  importErrorMessage,
  isImportKind,
  percentDone,
  readOtherwise,
  setField,
  shownProblems,
  type ChosenFile,
} from "./recordImport";

const columns: ColumnMapping[] = [
  { column: "First Name", field: "first_name" },
  { column: "E-mail", field: "email" },
  { column: "LinkedIn", field: null },
  { column: "e-mail ", field: "email" },
];

function report(overrides: Partial<RecordImportReport> = {}): RecordImportReport {
  return {
    kind: "candidate",
    source: "people.csv",
    format: "csv",
    dry_run: true,
    encoding: "UTF-8",
    columns: [],
    rows: 0,
    imported: 0,
    duplicates: 0,
    rejected: 0,
    clients_created: [],
    records: [],
    problems: [],
    warnings: [],
    cancelled: false,
    ...overrides,
  };
}

describe("what imports", () => {
  it("imports candidates and contacts only", () => {
    expect(isImportKind("candidate")).toBe(true);
    expect(isImportKind("contact")).toBe(true);
    expect(isImportKind("job")).toBe(false);
    expect(isImportKind("client")).toBe(false);
  });

  it("reads .vcf and .vcard files as vCard and anything else as CSV, as the core does", () => {
    expect(formatOf("Contacts.VCF")).toBe("vcard");
    expect(formatOf("one.vcard")).toBe("vcard");
    expect(formatOf("export.csv")).toBe("csv");
    expect(formatOf("export.txt"), "spreadsheet exports end in all sorts of ways").toBe("csv");
  });

  it("offers every field with a label, ignore last, and names every encoding", () => {
    expect(IMPORT_FIELDS.at(-1)).toBe("ignore");
    for (const field of IMPORT_FIELDS) expect(t.recordImport.fields[field], field).toBeTruthy();
    expect(IMPORT_FIELDS, "a column can fill a contact's postal address").toContain("address");
    expect(t.recordImport.fields.address).toBe("Postal address");
    expect(ENCODINGS[0], "UTF-8 is the default").toBe("utf-8");
    for (const label of ENCODINGS) expect(encodingName(label), label).not.toBe(label);
    expect(encodingName("koi8-r"), "an unknown label is shown as it is").toBe("koi8-r");
  });
});

describe("the column mapping", () => {
  it("sets a column, and the columns with the same header with it, since the core maps by header", () => {
    const next = setField(columns, 1, "phone");
    expect(next.map((m) => m.field)).toEqual(["first_name", "phone", null, "phone"]);
    expect(columns[1]?.field, "the old mapping is left alone").toBe("email");
  });

  it("stores Don't import as no field", () => {
    expect(setField(columns, 0, "ignore")[0]).toEqual({ column: "First Name", field: null });
    expect(setField(columns, 9, "email"), "an unknown index changes nothing").toEqual(columns);
  });

  it("keeps the user's choices when the columns are read again in another encoding", () => {
    const chosen = setField(columns, 2, "notes");
    const reread: ColumnMapping[] = [
      { column: "First Name", field: "first_name" },
      { column: "LinkedIn", field: null },
      { column: "Imię", field: "first_name" },
    ];
    expect(carryOver(chosen, reread)).toEqual([
      { column: "First Name", field: "first_name" },
      { column: "LinkedIn", field: "notes" },
      { column: "Imię", field: "first_name" },
    ]);
  });

  it("knows whether any column gives a name or an address", () => {
    expect(hasNameOrEmail(columns)).toBe(true);
    expect(hasNameOrEmail([{ column: "Phone", field: "phone" }])).toBe(false);
    expect(hasNameOrEmail([{ column: "Full", field: "name" }])).toBe(true);
  });
});

describe("buildRequest", () => {
  const csv: ChosenFile = { name: "people.csv", base64: "TmFtZQo=", format: "csv" };

  it("sends every column's field, the kind, the format and the encoding", () => {
    expect(buildRequest(csv, "contact", columns, "windows-1250")).toEqual({
      file: { name: "people.csv", base64: "TmFtZQo=" },
      kind: "contact",
      format: "csv",
      mapping: columns,
      encoding: "windows-1250",
    });
  });

  it("sends no mapping for a vCard file, and no encoding when none is chosen", () => {
    const vcard: ChosenFile = { name: "a.vcf", base64: "", format: "vcard" };
    const request = buildRequest(vcard, "candidate", columns, "");
    expect(request.mapping).toEqual([]);
    expect(request.encoding).toBeNull();
  });
});

describe("importErrorMessage", () => {
  it("says what to do on the page, not which command-line option to use", () => {
    const noName = new ApiFailure("invalid", "... Name them with COLUMN=FIELD ...", "map");
    expect(importErrorMessage(noName, "utf-8")).toBe(t.recordImport.noNameOrEmail);
    const encoding = new ApiFailure("invalid", "... give its encoding with --encoding.", "encoding");
    const message = importErrorMessage(encoding, "utf-8");
    expect(message).toContain("Unicode (UTF-8)");
    expect(message).not.toContain("--encoding");
  });

  it("passes the core's other messages through", () => {
    const empty = new ApiFailure("invalid", "The file is empty: a CSV import needs a header row.", "file");
    expect(importErrorMessage(empty, "utf-8")).toBe("The file is empty: a CSV import needs a header row.");
    expect(importErrorMessage({ code: "locked", message: "Candor is locked.", field: null }, "utf-8")).toBe(
      "Candor is locked.",
    );
  });
});

describe("reports", () => {
  it("lists the first problems and counts the rest", () => {
    const problems: RowProblem[] = Array.from({ length: PROBLEMS_SHOWN + 5 }, (_, i) => ({
      row: i + 2,
      line: i + 2,
      kind: "rejected",
      reason: "it has no name and no email address",
    }));
    const { shown, more } = shownProblems(report({ problems }));
    expect(shown).toHaveLength(PROBLEMS_SHOWN);
    expect(shown[0]?.row).toBe(2);
    expect(more).toBe(5);
    expect(shownProblems(report()).more).toBe(0);
  });

  it("notices rows rejected for their encoding", () => {
    const bad: RowProblem = { row: 3, line: 3, kind: "rejected", reason: "not valid UTF-8 text: ..." };
    expect(hasEncodingProblems(report({ problems: [bad] }))).toBe(true);
    expect(hasEncodingProblems(report({ problems: [{ ...bad, reason: "email: not an address" }] }))).toBe(false);
  });

  it("notices a file read in another encoding than chosen (a byte-order mark wins)", () => {
    expect(readOtherwise(report({ encoding: "UTF-8" }), "utf-8")).toBe(false);
    expect(readOtherwise(report({ encoding: "windows-1250" }), "windows-1250")).toBe(false);
    expect(readOtherwise(report({ encoding: "UTF-8" }), "windows-1250")).toBe(true);
  });

  it("fills the progress bar by rows done of the total", () => {
    expect(percentDone({ done: 500, total: 2000, imported: 480 })).toBe(25);
    expect(percentDone({ done: 0, total: 0, imported: 0 }), "an empty file does not divide by zero").toBe(0);
    expect(percentDone({ done: 9, total: 8, imported: 8 })).toBe(100);
  });
});
