import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync } from "svelte";
import { choose, click, get, render, settle } from "../test/dom";
import type { ColumnMapping, RecordImportProgress, RecordImportReport } from "../lib/ipc/api";
import RecordImportPage from "./RecordImportPage.svelte";

const api = vi.hoisted(() => ({
  importColumns: vi.fn(),
  previewImport: vi.fn(),
  importRecords: vi.fn(),
  cancelImport: vi.fn(),
}));
vi.mock("../lib/ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/ipc/api")>()),
  api,
}));

const CSV = "Imię,Nazwisko,E-mail,LinkedIn\nAnna,Kowalska,anna@x.example,in/anna\n";

const columns: ColumnMapping[] = [
  { column: "Imię", field: "first_name" },
  { column: "Nazwisko", field: "last_name" },
  { column: "E-mail", field: "email" },
  { column: "LinkedIn", field: null },
];

function report(overrides: Partial<RecordImportReport> = {}): RecordImportReport {
  return {
    kind: "candidate",
    source: "people.csv",
    format: "csv",
    dry_run: true,
    encoding: "UTF-8",
    columns,
    rows: 4,
    imported: 2,
    duplicates: 1,
    rejected: 1,
    clients_created: [],
    records: [],
    problems: [
      { row: 3, line: 3, kind: "duplicate", reason: "anna@x.example is already on candidate 7" },
      { row: 5, line: 5, kind: "rejected", reason: "it has no name and no email address" },
    ],
    warnings: [],
    cancelled: false,
    ...overrides,
  };
}

/** Chooses a file in the page's file input, as the user does in the file dialog. */
async function chooseFile(root: HTMLElement, name: string, text: string) {
  const input = get<HTMLInputElement>(root, '[data-testid="import-file"]');
  Object.defineProperty(input, "files", { value: [new File([text], name)], configurable: true });
  input.dispatchEvent(new Event("change", { bubbles: true }));
  await settle();
  await settle();
}

beforeEach(() => {
  api.importColumns.mockReset().mockResolvedValue(columns);
  api.previewImport.mockReset().mockResolvedValue(report());
  api.importRecords.mockReset();
  api.cancelImport.mockReset().mockResolvedValue(undefined);
  window.location.hash = "#/candidates/import";
});

describe("RecordImportPage", () => {
  it("reads a CSV file's columns with their default fields and previews the import", async () => {
    const root = render(RecordImportPage, { kind: "candidate" });
    expect(root.querySelector('[data-testid="import-preview"]'), "nothing before a file").toBeNull();
    await chooseFile(root, "people.csv", CSV);

    const [file, encoding] = api.importColumns.mock.calls[0] ?? [];
    expect(file.name).toBe("people.csv");
    expect(new TextDecoder().decode(Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0)))).toBe(CSV);
    expect(encoding).toBe("utf-8");

    const selects = [...root.querySelectorAll<HTMLSelectElement>('[data-testid="import-field"]')];
    expect(selects.map((s) => s.value)).toEqual(["first_name", "last_name", "email", "ignore"]);
    expect(get(root, '[data-testid="import-mapping"]').textContent).toContain("LinkedIn");

    expect(api.previewImport).toHaveBeenCalledWith({
      file: { name: "people.csv", base64: file.base64 },
      kind: "candidate",
      format: "csv",
      mapping: columns,
      encoding: "utf-8",
    });
    expect(get(root, '[data-testid="count-imported"]').textContent).toContain("2");
    expect(get(root, '[data-testid="count-duplicates"]').textContent).toContain("1");
    expect(get(root, '[data-testid="count-rejected"]').textContent).toContain("1");
    const problems = [...root.querySelectorAll('[data-testid="import-problem"]')].map((r) => r.textContent ?? "");
    expect(problems).toHaveLength(2);
    expect(problems[1]).toContain("5");
    expect(problems[1]).toContain("it has no name and no email address");
    expect(get(root, '[data-testid="import-start"]').textContent?.trim()).toBe("Import 2 candidates");
  });

  it("previews again with the column the user mapped", async () => {
    const root = render(RecordImportPage, { kind: "candidate" });
    await chooseFile(root, "people.csv", CSV);
    api.previewImport.mockResolvedValue(report({ imported: 3 }));

    const linkedIn = [...root.querySelectorAll<HTMLSelectElement>('[data-testid="import-field"]')][3];
    if (!linkedIn) throw new Error("no select for the fourth column");
    choose(linkedIn, "notes");
    await settle();

    expect(api.previewImport).toHaveBeenCalledTimes(2);
    expect(api.previewImport.mock.lastCall?.[0].mapping[3]).toEqual({ column: "LinkedIn", field: "notes" });
    expect(api.importColumns, "the header is not read again for a mapping change").toHaveBeenCalledTimes(1);
    expect(get(root, '[data-testid="import-start"]').textContent?.trim()).toBe("Import 3 candidates");
  });

  it("reads the columns again in the encoding chosen", async () => {
    const root = render(RecordImportPage, { kind: "candidate" });
    await chooseFile(root, "people.csv", CSV);
    choose(get<HTMLSelectElement>(root, '[data-testid="import-encoding"]'), "windows-1250");
    await settle();

    expect(api.importColumns.mock.lastCall?.[1]).toBe("windows-1250");
    expect(api.previewImport.mock.lastCall?.[0].encoding).toBe("windows-1250");
  });

  it("explains a file without a name or email column in the page's terms, keeping the mapping to fix it", async () => {
    const { ApiFailure } = await import("../lib/ipc/api");
    api.importColumns.mockResolvedValue([
      { column: "Vorname", field: null },
      { column: "Telefon", field: "phone" },
    ]);
    api.previewImport.mockRejectedValue(
      new ApiFailure("invalid", "The file has no name or email column ... Name them with COLUMN=FIELD.", "map"),
    );
    const root = render(RecordImportPage, { kind: "contact" });
    await chooseFile(root, "kontakte.csv", "Vorname,Telefon\nAnna,1\n");

    const banner = get(root, '[data-testid="error-banner"]').textContent ?? "";
    expect(banner).toContain("No column is imported as a name or an email address");
    expect(banner).not.toContain("COLUMN=FIELD");
    expect(root.querySelector('[data-testid="import-start"]'), "nothing to import yet").toBeNull();

    api.previewImport.mockResolvedValue(report({ kind: "contact", imported: 1, duplicates: 0, rejected: 0, problems: [] }));
    const first = get<HTMLSelectElement>(root, '[data-testid="import-field"]');
    choose(first, "first_name");
    await settle();
    expect(root.querySelector('[data-testid="error-banner"]'), "the banner goes once the mapping works").toBeNull();
    expect(get(root, '[data-testid="import-start"]').textContent?.trim()).toBe("Import 1 contact");
  });

  it("previews a vCard file without a column mapping", async () => {
    api.previewImport.mockResolvedValue(report({ format: "vcard", columns: [], problems: [] }));
    const root = render(RecordImportPage, { kind: "contact" });
    await chooseFile(root, "cards.vcf", "BEGIN:VCARD\r\nFN:Anna\r\nEND:VCARD\r\n");

    expect(api.importColumns).not.toHaveBeenCalled();
    expect(root.querySelector('[data-testid="import-mapping"]')).toBeNull();
    expect(api.previewImport.mock.lastCall?.[0]).toMatchObject({ format: "vcard", mapping: [], kind: "contact" });
  });

  it("refuses a file over 20 MB before reading it", async () => {
    const root = render(RecordImportPage, { kind: "candidate" });
    const input = get<HTMLInputElement>(root, '[data-testid="import-file"]');
    const huge = new File(["x"], "huge.csv");
    Object.defineProperty(huge, "size", { value: 21 * 1024 * 1024 });
    Object.defineProperty(input, "files", { value: [huge] });
    input.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();

    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("huge.csv is larger than 20 MB");
    expect(api.importColumns).not.toHaveBeenCalled();
    expect(api.previewImport).not.toHaveBeenCalled();
  });

  it("imports with a progress bar, then reports what happened and links back to the list", async () => {
    let sendProgress: (p: RecordImportProgress) => void = () => {};
    let finish: (r: RecordImportReport) => void = () => {};
    api.importRecords.mockImplementation((_request, onprogress: (p: RecordImportProgress) => void) => {
      sendProgress = onprogress;
      return new Promise<RecordImportReport>((resolve) => (finish = resolve));
    });
    const root = render(RecordImportPage, { kind: "candidate" });
    await chooseFile(root, "people.csv", CSV);

    click(get(root, '[data-testid="import-start"]'));
    await settle();
    expect(api.importRecords.mock.lastCall?.[0].mapping).toEqual(columns);
    sendProgress({ done: 2, total: 4, imported: 1 });
    flushSync();
    expect(get(root, '[data-testid="import-progress"]').textContent).toContain("2 of 4 rows done");
    expect(get<HTMLProgressElement>(root, '[data-testid="import-progress"] progress').value).toBe(50);
    expect(get<HTMLButtonElement>(root, '[data-testid="import-start"]').disabled, "no second import").toBe(true);

    finish(
      report({
        dry_run: false,
        imported: 2,
        records: [
          { row: 2, id: 10 },
          { row: 4, id: 11 },
        ],
      }),
    );
    await settle();
    const done = get(root, '[data-testid="import-report"]');
    expect(done.textContent).toContain("2 candidates were imported and marked as imported.");
    expect(get(done, '[data-testid="count-imported"]').textContent).toContain("Imported");
    expect(done.querySelectorAll('[data-testid="import-problem"]')).toHaveLength(2);
    expect(get(done, '[data-testid="import-back"]').getAttribute("href")).toBe("#/candidates");
  });

  it("stops an import on request and says how to bring in the rest", async () => {
    let finish: (r: RecordImportReport) => void = () => {};
    api.importRecords.mockImplementation(() => new Promise<RecordImportReport>((resolve) => (finish = resolve)));
    const root = render(RecordImportPage, { kind: "contact" });
    await chooseFile(root, "people.csv", CSV);
    expect(root.querySelector('[data-testid="import-stop"]'), "Stop only while importing").toBeNull();

    click(get(root, '[data-testid="import-start"]'));
    await settle();
    click(get(root, '[data-testid="import-stop"]'));
    await settle();
    expect(api.cancelImport).toHaveBeenCalledTimes(1);
    expect(get<HTMLButtonElement>(root, '[data-testid="import-stop"]').disabled, "one stop is enough").toBe(true);

    finish(report({ kind: "contact", dry_run: false, imported: 1, cancelled: true }));
    await settle();
    expect(get(root, '[data-testid="import-stopped"]').textContent).toContain(
      "1 contact was imported before the import stopped. Import the same file again",
    );
  });

  it("shows the clients a contacts import creates", async () => {
    api.previewImport.mockResolvedValue(report({ kind: "contact", clients_created: ["Initech", "Globex"] }));
    const root = render(RecordImportPage, { kind: "contact" });
    await chooseFile(root, "people.csv", CSV);
    expect(get(root, '[data-testid="import-clients"]').textContent).toContain("Initech, Globex");
  });
});
