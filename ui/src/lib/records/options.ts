import type { SelectOption } from "../components/types";
import type { RecordDetail, RecordSummary } from "../ipc/api";

/**
 * Select options for a link to another record, sorted by name. The record's current link is kept
 * even when it is missing from the list (still loading, or the list failed), so opening and saving
 * the form never silently clears it.
 */
export function optionsFrom(
  summaries: readonly RecordSummary[] | null,
  currentId: number | null,
  currentName: string | null,
): SelectOption[] {
  const options = (summaries ?? [])
    .map((s) => ({ value: String(s.id), label: s.display_name }))
    .sort((a, b) => a.label.localeCompare(b.label));
  if (currentId !== null && !options.some((o) => o.value === String(currentId))) {
    options.unshift({ value: String(currentId), label: currentName ?? `#${currentId}` });
  }
  return options;
}

/** The ids a record links to, whatever its kind. */
export function currentLinks(record: RecordDetail | null): {
  client_id: number | null;
  primary_contact_id: number | null;
} {
  const f = record?.fields;
  return {
    client_id: f && (f.kind === "contact" || f.kind === "job") ? f.client_id : null,
    primary_contact_id: f?.kind === "job" ? f.primary_contact_id : null,
  };
}
