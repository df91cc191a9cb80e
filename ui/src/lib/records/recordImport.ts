// The import page's logic, kept out of the component so it can be tested without a window: which
// kinds and formats import, the encodings offered, the column mapping the user edits, the request
// sent to the core, and the error sentences the page shows.

import { t } from "../i18n";
import { toFailure } from "../ipc/api";
import type {
  ColumnMapping,
  ImportField,
  ImportFormat,
  ImportRequest,
  RecordImportProgress,
  RecordImportReport,
  RecordKind,
  RowProblem,
} from "../ipc/api";

/** The kinds a file can be imported as. */
export type ImportKind = Extract<RecordKind, "candidate" | "contact">;

export function isImportKind(kind: RecordKind): kind is ImportKind {
  return kind === "candidate" || kind === "contact";
}

/** What the file chooser offers; other files can still be chosen and are read as CSV. */
export const ACCEPT = ".csv,.tsv,.txt,.vcf,.vcard,text/csv,text/vcard";

/** The core refuses larger files; checked here too so a huge file is not read into memory first. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Row problems listed at most; the rest are counted. */
export const PROBLEMS_SHOWN = 200;

/** The fields a column can fill, in the order the select lists them. */
export const IMPORT_FIELDS: readonly ImportField[] = [
  "first_name",
  "last_name",
  "name",
  "email",
  "phone",
  "title",
  "company",
  "address",
  "notes",
  "owner",
  "ignore",
];

/**
 * Encoding labels encoding_rs accepts (WHATWG names), UTF-8 first: what Excel, Outlook and older
 * systems write in the languages Candor's users work in.
 */
export const ENCODINGS = [
  "utf-8",
  "windows-1250",
  "iso-8859-2",
  "windows-1252",
  "windows-1251",
  "gbk",
  "gb18030",
  "big5",
  "shift_jis",
  "euc-kr",
  "utf-16le",
] as const;

export type EncodingLabel = (typeof ENCODINGS)[number];

export const DEFAULT_ENCODING: EncodingLabel = "utf-8";

/** A file the user chose, read into memory (the web view has its bytes, not its path). */
export type ChosenFile = { name: string; base64: string; format: ImportFormat };

/** vCard by the name's ending, as the core decides; anything else is CSV. */
export function formatOf(name: string): ImportFormat {
  const lower = name.toLowerCase();
  return lower.endsWith(".vcf") || lower.endsWith(".vcard") ? "vcard" : "csv";
}

/** The core matches a mapping's column by its header, trimmed and ignoring case. */
function sameColumn(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * The mapping with column `index` set to `field`. Columns with the same header are set too: the
 * core maps by header, so they cannot differ, and the form should not pretend they can.
 */
export function setField(mapping: readonly ColumnMapping[], index: number, field: ImportField): ColumnMapping[] {
  const column = mapping[index]?.column;
  if (column === undefined) return [...mapping];
  const value = field === "ignore" ? null : field;
  return mapping.map((m) => (sameColumn(m.column, column) ? { column: m.column, field: value } : m));
}

/**
 * The columns just read (after choosing another encoding, say), keeping what the user chose for
 * columns that are still there; new columns start from the core's default.
 */
export function carryOver(previous: readonly ColumnMapping[], next: readonly ColumnMapping[]): ColumnMapping[] {
  return next.map((m) => {
    const kept = previous.find((p) => sameColumn(p.column, m.column));
    return kept ? { column: m.column, field: kept.field } : { ...m };
  });
}

/** Whether any column gives a name or an address: without one there is nothing to make records of. */
export function hasNameOrEmail(mapping: readonly ColumnMapping[]): boolean {
  return mapping.some((m) => m.field === "first_name" || m.field === "last_name" || m.field === "name" || m.field === "email");
}

/** The request for a preview or an import: every column's field, so nothing is left to a default. */
export function buildRequest(
  file: ChosenFile,
  kind: ImportKind,
  mapping: readonly ColumnMapping[],
  encoding: string,
): ImportRequest {
  return {
    file: { name: file.name, base64: file.base64 },
    kind,
    format: file.format,
    mapping: file.format === "csv" ? mapping.map((m) => ({ column: m.column, field: m.field })) : [],
    encoding: encoding === "" ? null : encoding,
  };
}

/**
 * The sentence to show for a failed preview or import. The core's wording for a missing name or
 * email column and for a wrong encoding speaks of the command line's options; the page says what
 * to do on the page instead.
 */
export function importErrorMessage(error: unknown, encoding: string): string {
  const failure = toFailure(error);
  if (failure.code === "invalid" && failure.field === "map") return t.recordImport.noNameOrEmail;
  if (failure.code === "invalid" && failure.field === "encoding") return t.recordImport.badEncoding(encodingName(encoding));
  return failure.message;
}

/** How the encoding select names a label. */
export function encodingName(label: string): string {
  const names: { readonly [key: string]: string } = t.recordImport.encodings;
  return names[label] ?? label;
}

/**
 * Whether the file was read in another encoding than the one chosen: a byte-order mark says
 * what the file is, whatever was asked.
 */
export function readOtherwise(report: RecordImportReport, chosen: string): boolean {
  return report.encoding.toLowerCase() !== chosen.toLowerCase();
}

/** The problems a table lists, and how many more there are. */
export function shownProblems(report: RecordImportReport): { shown: RowProblem[]; more: number } {
  const shown = report.problems.slice(0, PROBLEMS_SHOWN);
  return { shown, more: report.problems.length - shown.length };
}

/** Whether some rows were rejected for not being text in the chosen encoding. */
export function hasEncodingProblems(report: RecordImportReport): boolean {
  return report.problems.some((p) => p.kind === "rejected" && p.reason.startsWith("not valid "));
}

/** The progress bar's fill, 0 to 100. */
export function percentDone(progress: RecordImportProgress): number {
  if (progress.total <= 0) return 0;
  return Math.min(100, Math.round((progress.done / progress.total) * 100));
}
