// The record form edits one flat set of strings for every kind (what inputs hold), and converts
// to the kind's RecordFields only on save. Keeping the conversion here, not in the component,
// is what lets it be tested and reused by later forms (import, quick-create from an email).

import type { RecordDetail, JobStatus, RecordFields, RecordInput, RecordKind } from "../ipc/api";

export type FormState = {
  first_name: string;
  last_name: string;
  emails: string[];
  phones: string[];
  current_title: string;
  current_employer: string;
  job_title: string;
  /** Free text, possibly several lines (a postal address). */
  address: string;
  /** A <select> value: "" for none, else the decimal id. */
  client_id: string;
  primary_contact_id: string;
  name: string;
  website: string;
  phone: string;
  title: string;
  status: JobStatus;
  notes: string;
};

export type FieldName = keyof FormState;

/** The inputs each kind shows, in order; a server error about any other field goes to the banner. */
export const FIELDS_BY_KIND: { readonly [K in RecordKind]: readonly FieldName[] } = {
  candidate: ["first_name", "last_name", "emails", "phones", "current_title", "current_employer", "notes"],
  contact: ["first_name", "last_name", "emails", "phones", "job_title", "client_id", "address", "notes"],
  client: ["name", "website", "phone", "notes"],
  job: ["title", "client_id", "primary_contact_id", "status", "notes"],
};

export const JOB_STATUSES: readonly JobStatus[] = ["open", "on_hold", "filled", "closed"];

export function emptyForm(): FormState {
  return {
    first_name: "",
    last_name: "",
    // One blank row so the first address can be typed without pressing "Add another".
    emails: [""],
    phones: [""],
    current_title: "",
    current_employer: "",
    job_title: "",
    address: "",
    client_id: "",
    primary_contact_id: "",
    name: "",
    website: "",
    phone: "",
    title: "",
    status: "open",
    notes: "",
  };
}

function idToSelect(id: number | null): string {
  return id === null ? "" : String(id);
}

function rowsOrBlank(values: string[]): string[] {
  return values.length > 0 ? [...values] : [""];
}

export function formFromRecord(record: RecordDetail): FormState {
  const form = emptyForm();
  form.notes = record.notes;
  const f = record.fields;
  switch (f.kind) {
    case "candidate":
      form.first_name = f.first_name;
      form.last_name = f.last_name;
      form.emails = rowsOrBlank(f.emails);
      form.phones = rowsOrBlank(f.phones);
      form.current_title = f.current_title ?? "";
      form.current_employer = f.current_employer ?? "";
      break;
    case "contact":
      form.first_name = f.first_name;
      form.last_name = f.last_name;
      form.emails = rowsOrBlank(f.emails);
      form.phones = rowsOrBlank(f.phones);
      form.job_title = f.job_title ?? "";
      form.address = f.address ?? "";
      form.client_id = idToSelect(f.client_id);
      break;
    case "client":
      form.name = f.name;
      form.website = f.website ?? "";
      form.phone = f.phone ?? "";
      break;
    case "job":
      form.title = f.title;
      form.client_id = idToSelect(f.client_id);
      form.primary_contact_id = idToSelect(f.primary_contact_id);
      form.status = f.status;
      break;
  }
  return form;
}

/** Optional text: the core distinguishes "not set" (null) from a value, and "  " is not a value. */
function optional(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

/** Blank rows are the UI's spare inputs, not addresses; the core would reject them as invalid. */
function nonBlankRows(values: string[]): string[] {
  return values.map((v) => v.trim()).filter((v) => v !== "");
}

function selectedId(value: string): number | null {
  if (value === "") return null;
  const id = Number(value);
  // Options are rendered from ids, so anything else is a bug; send it as not set rather than NaN.
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function fieldsFromForm(kind: RecordKind, form: FormState): RecordFields {
  switch (kind) {
    case "candidate":
      return {
        kind,
        first_name: form.first_name.trim(),
        last_name: form.last_name.trim(),
        emails: nonBlankRows(form.emails),
        phones: nonBlankRows(form.phones),
        current_title: optional(form.current_title),
        current_employer: optional(form.current_employer),
      };
    case "contact":
      return {
        kind,
        first_name: form.first_name.trim(),
        last_name: form.last_name.trim(),
        emails: nonBlankRows(form.emails),
        phones: nonBlankRows(form.phones),
        job_title: optional(form.job_title),
        client_id: selectedId(form.client_id),
        address: optional(form.address),
      };
    case "client":
      return {
        kind,
        name: form.name.trim(),
        website: optional(form.website),
        phone: optional(form.phone),
      };
    case "job":
      return {
        kind,
        title: form.title.trim(),
        client_id: selectedId(form.client_id),
        primary_contact_id: selectedId(form.primary_contact_id),
        status: form.status,
      };
  }
}

export function toRecordInput(kind: RecordKind, form: FormState): RecordInput {
  // Notes keep their inner line breaks; only the blank edges are dropped.
  return { fields: fieldsFromForm(kind, form), notes: form.notes.trim() };
}

/**
 * Where a server error belongs on the form: the field when this kind shows it, else null (the
 * banner). The core may name a row ("emails[1]" or "emails.1"); the whole list gets the message.
 */
export function errorField(kind: RecordKind, field: string | null): FieldName | null {
  if (field === null) return null;
  const base = field.replace(/[[.].*$/, "");
  return (FIELDS_BY_KIND[kind] as readonly string[]).includes(base) ? (base as FieldName) : null;
}
