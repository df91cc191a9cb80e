import type { RecordSummary } from "../ipc/api";

/** Most recently updated first; ties (same second) by the newer id, so the order is stable. */
export function newestFirst(records: readonly RecordSummary[]): RecordSummary[] {
  return [...records].sort((a, b) => b.updated_at - a.updated_at || b.id - a.id);
}
