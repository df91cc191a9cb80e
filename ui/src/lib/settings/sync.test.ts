import { describe, expect, it } from "vitest";
import type { CalendarSyncReport, ContactsReport, GraphConflict, MailAccount } from "../ipc/api";
import {
  candorFieldLabel,
  conflictOutcome,
  graphFieldLabel,
  microsoftAccounts,
  recentConflicts,
  reportLines,
} from "./sync";

function account(name: string, auth_kind: string): MailAccount {
  return {
    id: name.length,
    name,
    email_address: `${name}@example.com`,
    protocol: "imap",
    status: "connected",
    last_sync_at: null,
    last_error: null,
    auth_kind,
    signature: null,
    sends: true,
    folders: [],
  };
}

function conflict(id: number, occurred_at: number, winner = "local"): GraphConflict {
  return {
    id,
    resource: "contacts",
    local_id: id,
    graph_id: null,
    winner,
    overwritten_title: `Contact ${id}`,
    overwritten_start: null,
    overwritten_end: null,
    detail: "",
    occurred_at,
  };
}

describe("microsoftAccounts", () => {
  it("keeps the accounts that sign in with Microsoft", () => {
    const accounts = [account("a", "password"), account("b", "oauth_microsoft"), account("c", "oauth_google")];
    expect(microsoftAccounts(accounts).map((a) => a.name)).toEqual(["b"]);
  });
});

describe("reportLines", () => {
  it("says what a calendar sync changed, leaving out what it did not", () => {
    const report: CalendarSyncReport = {
      created_remote: 0,
      updated_remote: 4,
      deleted_remote: 1,
      set_aside: 120,
      pulled: 0,
      deleted_local: 2,
      conflicts: 0,
      full_resync: false,
      requests: 30,
    };
    expect(reportLines(report)).toEqual([
      { key: "updated_remote", text: "Updated in Microsoft 365: 4" },
      { key: "deleted_remote", text: "Deleted in Microsoft 365: 1" },
      { key: "deleted_local", text: "Deleted in Candor because they were deleted in Microsoft 365: 2" },
      { key: "set_aside", text: "Not sent, over the first sync's limit: 120" },
    ]);
  });

  it("counts contacts removed in Microsoft 365 as kept here, and nothing for a quiet run", () => {
    const quiet: ContactsReport = {
      created_remote: 0,
      updated_remote: 0,
      deleted_remote: 0,
      set_aside: 0,
      pulled: 0,
      unlinked: 0,
      conflicts: 0,
      full_resync: false,
      requests: 1,
    };
    expect(reportLines(quiet)).toEqual([]);
    expect(reportLines({ ...quiet, unlinked: 3 })).toEqual([
      { key: "unlinked", text: "Removed from the folder in Microsoft 365, kept in Candor: 3" },
    ]);
  });
});

describe("recentConflicts", () => {
  it("puts the newest first (the later id first at the same second) and keeps at most the limit", () => {
    const conflicts = [conflict(1, 100), conflict(2, 300), conflict(3, 200), conflict(4, 300)];
    expect(recentConflicts(conflicts).map((c) => c.id)).toEqual([4, 2, 3, 1]);
    expect(recentConflicts(conflicts, 2).map((c) => c.id)).toEqual([4, 2]);
    expect(conflicts.map((c) => c.id), "the status's own list is left as it was").toEqual([1, 2, 3, 4]);
  });

  it("says in words whose edit was kept", () => {
    expect(conflictOutcome(conflict(1, 0, "local"))).toContain("Candor's version was kept");
    expect(conflictOutcome(conflict(1, 0, "remote"))).toContain("the edit made in Microsoft 365 was kept");
    expect(conflictOutcome(conflict(1, 0, "both"))).toBeNull();
  });
});

describe("field labels", () => {
  it("name known fields as people know them, and others by their own name", () => {
    expect(graphFieldLabel("givenName")).toBe("First name");
    expect(graphFieldLabel("businessPhones")).toBe("Business phones");
    expect(graphFieldLabel("assistantName")).toBe("assistantName");
    expect(candorFieldLabel("first_phone")).toBe("First phone number");
    expect(graphFieldLabel("businessAddress")).toBe("Business address");
    expect(graphFieldLabel("homeAddress")).toBe("Home address");
    expect(graphFieldLabel("otherAddress")).toBe("Other address");
    expect(candorFieldLabel("address")).toBe("Address");
    expect(candorFieldLabel("birthday")).toBe("birthday");
    // Not a field, though the catalogue object has it as a property.
    expect(graphFieldLabel("toString")).toBe("toString");
  });
});
