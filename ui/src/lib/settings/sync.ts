// The testable logic of the Microsoft 365 section of Settings: which accounts can sync, the
// calls and wording for each synced resource, what a sync report says, the conflicts worth
// showing, and the names the field mapping shows for fields.

import { t } from "../i18n";
import {
  api,
  type CalendarSyncReport,
  type ContactsReport,
  type GraphConflict,
  type GraphSyncStatus,
  type MailAccount,
} from "../ipc/api";

export type Resource = "calendar" | "contacts";
export type SyncReport = CalendarSyncReport | ContactsReport;

/** The calls and the copy that differ between the calendar and the contacts. */
export type ResourceKit = {
  /** The container's name before the core has one to report (what enabling creates). */
  defaultContainer: string;
  status: () => Promise<GraphSyncStatus>;
  enable: (account: string | null) => Promise<SyncReport>;
  disable: () => Promise<GraphSyncStatus>;
  syncNow: () => Promise<SyncReport>;
  /** The sentences shown before turning it on, in order. */
  explain: () => string[];
};

// Calls go through `api.*` when made (not bound at load), so tests can replace them.
export const RESOURCES: { readonly [R in Resource]: ResourceKit } = {
  calendar: {
    defaultContainer: "Candor",
    status: () => api.calendarSyncStatus(),
    enable: (account) => api.enableCalendarSync(account),
    disable: () => api.disableCalendarSync(),
    syncNow: () => api.syncCalendarNow(),
    explain: () => {
      const c = t.microsoft365.calendar;
      return [c.explainCreates, c.explainFirst, c.explainSkipped, c.explainInvites];
    },
  },
  contacts: {
    defaultContainer: "Candor Contacts",
    status: () => api.contactsSyncStatus(),
    enable: (account) => api.enableContactsSync(account),
    disable: () => api.disableContactsSync(),
    syncNow: () => api.syncContactsNow(),
    explain: () => {
      const c = t.microsoft365.contacts;
      return [c.explainCreates, c.explainFirst, c.explainSkipped];
    },
  },
};

/** The accounts that can sync with Microsoft 365: those that sign in with Microsoft. */
export function microsoftAccounts(accounts: readonly MailAccount[]): MailAccount[] {
  return accounts.filter((a) => a.auth_kind === "oauth_microsoft");
}

export function needsSignIn(account: MailAccount | undefined): boolean {
  return account?.status === "needs_sign_in";
}

/** One line of a finished sync's report: a stable key (for tests) and its sentence. */
export type ReportLine = { key: string; text: string };

/** What a sync did, one line per kind of change it made; nothing when it changed nothing. */
export function reportLines(report: SyncReport): ReportLine[] {
  const r = t.microsoft365.report;
  const counts: [string, number, (n: number) => string][] = [
    ["created_remote", report.created_remote, r.createdRemote],
    ["updated_remote", report.updated_remote, r.updatedRemote],
    ["deleted_remote", report.deleted_remote, r.deletedRemote],
    ["pulled", report.pulled, r.pulled],
    ["deleted_local", "deleted_local" in report ? report.deleted_local : 0, r.deletedLocal],
    ["unlinked", "unlinked" in report ? report.unlinked : 0, r.unlinked],
    ["conflicts", report.conflicts, r.conflicts],
    ["set_aside", report.set_aside, r.setAside],
  ];
  return counts.filter(([, n]) => n > 0).map(([key, n, text]) => ({ key, text: text(n) }));
}

/** How many conflicts the section lists; the rest are counted. */
export const CONFLICTS_SHOWN = 20;

/** The newest conflicts first, at most `limit`. */
export function recentConflicts(conflicts: readonly GraphConflict[], limit = CONFLICTS_SHOWN): GraphConflict[] {
  return [...conflicts].sort((a, b) => b.occurred_at - a.occurred_at || b.id - a.id).slice(0, limit);
}

/** Whose edit a conflict kept, in words; null for a side this UI does not know. */
export function conflictOutcome(conflict: GraphConflict): string | null {
  if (conflict.winner === "local") return t.microsoft365.conflicts.localWon;
  if (conflict.winner === "remote") return t.microsoft365.conflicts.remoteWon;
  return null;
}

/** The catalogue's label for a field, else the field's own name (never an inherited property). */
function labelIn(labels: { readonly [field: string]: string }, field: string): string {
  return Object.hasOwn(labels, field) ? (labels[field] ?? field) : field;
}

/** A Microsoft 365 contact field as people know it ("First name"); its own name when unknown. */
export function graphFieldLabel(field: string): string {
  return labelIn(t.microsoft365.graphFields, field);
}

/** A Candor contact field as the contact form names it; its own name when unknown. */
export function candorFieldLabel(field: string): string {
  return labelIn(t.microsoft365.candorFields, field);
}
