import { describe, expect, it } from "vitest";
import type { FolderOverview, MailAccount, ThreadSummary } from "../ipc/api";
import {
  appendPage,
  applyChange,
  commandForKey,
  filterCommands,
  folderLines,
  forwardSubject,
  messageDocument,
  messagesInView,
  moveTargets,
  scrollToShow,
  unreadInRole,
  visibleRange,
} from "./mailbox";

function folder(id: number, accountId: number, name: string, role: string | null, unread = 0): FolderOverview {
  return { id, account_id: accountId, name, delimiter: "/", role, unread, total: unread + 10 };
}

function account(id: number, folders: FolderOverview[]): MailAccount {
  return {
    id,
    name: `acct${id}`,
    email_address: `me${id}@example.com`,
    protocol: "imap",
    status: "connected",
    last_sync_at: null,
    last_error: null,
    auth_kind: "password",
    signature: null,
    sends: true,
    folders,
  };
}

function thread(id: number, unread = 0, flagged = false): ThreadSummary {
  return {
    id,
    subject: `s${id}`,
    latest_at: 1_700_000_000 - id,
    message_count: 2,
    unread_count: unread,
    is_flagged: flagged,
    has_attachment: false,
    participants: ["Anna"],
    message_ids: [],
  };
}

const key = (k: string, mods: Partial<KeyboardEvent> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("folders", () => {
  it("indents nested folders under their parent and names them by their last part", () => {
    const lines = folderLines([folder(1, 1, "INBOX", "inbox"), folder(2, 1, "Clients/Acme/2026", null)]);
    expect(lines.map((l) => [l.label, l.depth])).toEqual([
      ["INBOX", 0],
      ["2026", 2],
    ]);
  });

  it("adds up the unread mail of every account's inbox for the unified inbox", () => {
    const accounts = [
      account(1, [folder(1, 1, "INBOX", "inbox", 3), folder(2, 1, "Sent", "sent", 9)]),
      account(2, [folder(3, 2, "INBOX", "inbox", 4)]),
    ];
    expect(unreadInRole(accounts, "inbox")).toBe(7);
  });
});

describe("virtual thread list", () => {
  it("draws only the rows in view plus a margin", () => {
    expect(visibleRange(0, 680, 68, 100_000, 5)).toEqual({ start: 0, end: 16 });
    // Deep in a 100,000-row list the window is just as small.
    const deep = visibleRange(68 * 50_000, 680, 68, 100_000, 5);
    expect(deep).toEqual({ start: 49_995, end: 50_016 });
    expect(visibleRange(68 * 99_999, 680, 68, 100_000, 5).end).toBe(100_000);
    expect(visibleRange(0, 680, 68, 0)).toEqual({ start: 0, end: 0 });
  });

  it("scrolls a selection into view only when it is out of view", () => {
    expect(scrollToShow(5, 0, 680, 68)).toBeNull();
    expect(scrollToShow(10, 0, 680, 68)).toBe(68 * 11 - 680);
    expect(scrollToShow(2, 680, 680, 68)).toBe(136);
  });
});

describe("paging", () => {
  it("adds the next page after the loaded rows, each conversation once", () => {
    const loaded = [thread(5), thread(4), thread(3)];
    // Thread 4 got new mail between the pages: the next page names it again.
    const next = appendPage(loaded, [thread(4), thread(2), thread(1)]);
    expect(next.map((t) => t.id)).toEqual([5, 4, 3, 2, 1]);
    expect(loaded.map((t) => t.id)).toEqual([5, 4, 3]); // the loaded list is not mutated
    expect(appendPage([], [thread(1)]).map((t) => t.id)).toEqual([1]);
  });
});

describe("optimistic changes", () => {
  const list = [thread(1, 2), thread(2), thread(3, 0, true)];

  it("takes archived or deleted conversations out of the list at once", () => {
    expect(applyChange(list, { kind: "remove", ids: [1, 3] }).map((t) => t.id)).toEqual([2]);
  });

  it("shows read and flag changes at once without touching the other threads", () => {
    const read = applyChange(list, { kind: "read", ids: [1], seen: true });
    expect(read.map((t) => t.unread_count)).toEqual([0, 0, 0]);
    const unread = applyChange(list, { kind: "read", ids: [2], seen: false });
    expect(unread[1]?.unread_count).toBe(1);
    const flagged = applyChange(list, { kind: "flag", ids: [3], flagged: false });
    expect(flagged.map((t) => t.is_flagged)).toEqual([false, false, false]);
    expect(list[0]?.unread_count).toBe(2); // the original list is not mutated
  });
});

describe("archiving applies to the messages in view", () => {
  const accounts = [
    account(1, [folder(10, 1, "INBOX", "inbox"), folder(11, 1, "Sent", "sent"), folder(12, 1, "Clients", null)]),
  ];
  const detail = {
    messages: [
      { id: 100, account_id: 1, folder: "INBOX" },
      { id: 101, account_id: 1, folder: "Sent" },
      { id: 102, account_id: 1, folder: "Clients" },
    ],
  };

  it("leaves the user's own replies in Sent when an inbox conversation is archived", () => {
    expect(messagesInView(detail, { kind: "unified", role: "inbox" }, accounts)).toEqual([100]);
    expect(messagesInView(detail, { kind: "folder", folderId: 12 }, accounts)).toEqual([102]);
    expect(messagesInView(detail, { kind: "search", query: "x" }, accounts)).toEqual([100, 102]);
  });
});

describe("Move to… offers the folders of the accounts in play", () => {
  const accounts = [
    account(1, [folder(10, 1, "INBOX", "inbox"), folder(11, 1, "Sent", "sent"), folder(12, 1, "Clients", null), folder(13, 1, "Archive", "archive")]),
    account(2, [folder(20, 2, "INBOX", "inbox"), folder(21, 2, "Sent", "sent"), folder(23, 2, "Archive", "archive"), folder(24, 2, "Family", null)]),
  ];
  const workConversation = {
    messages: [
      { id: 100, account_id: 1, folder: "INBOX" },
      { id: 101, account_id: 1, folder: "Sent" },
    ],
  };

  it("lists the shown folder's account's folders, without the folder itself", () => {
    expect(moveTargets({ kind: "folder", folderId: 12 }, workConversation, accounts)).toEqual(["INBOX", "Sent", "Archive"]);
  });

  it("lists the open conversation's account's folders in a unified view, not another account's", () => {
    const targets = moveTargets({ kind: "unified", role: "inbox" }, workConversation, accounts);
    expect(targets).toEqual(["Sent", "Clients", "Archive"]);
    expect(targets).not.toContain("Family");
  });

  it("lists only the names both accounts have when a conversation spans two", () => {
    const both = { messages: [...workConversation.messages, { id: 200, account_id: 2, folder: "INBOX" }] };
    expect(moveTargets({ kind: "unified", role: "inbox" }, both, accounts)).toEqual(["Sent", "Archive"]);
  });

  it("lists every account's names once when no conversation is open", () => {
    expect(moveTargets({ kind: "search", query: "cv" }, null, accounts)).toEqual(["INBOX", "Sent", "Clients", "Archive", "Family"]);
  });
});

describe("keyboard", () => {
  it("maps the usual mail shortcuts", () => {
    expect(["j", "k", "Enter", "r", "a", "f", "e", "#", "/", "c", "Escape"].map((k) => commandForKey(key(k), false))).toEqual([
      "next",
      "previous",
      "open",
      "reply",
      "replyAll",
      "forward",
      "archive",
      "delete",
      "search",
      "compose",
      "close",
    ]);
    expect(commandForKey(key("k", { ctrlKey: true }), false)).toBe("palette");
  });

  it("leaves letters typed into a field alone, except Escape and the palette", () => {
    expect(commandForKey(key("j"), true)).toBeNull();
    expect(commandForKey(key("#"), true)).toBeNull();
    expect(commandForKey(key("Escape"), true)).toBe("close");
    expect(commandForKey(key("k", { metaKey: true }), true)).toBe("palette");
    expect(commandForKey(key("r", { ctrlKey: true }), false)).toBeNull();
  });

  it("filters palette commands by every word typed", () => {
    const commands = [{ label: "Reply all (a)" }, { label: "Reply (r)" }, { label: "Archive (e)" }];
    expect(filterCommands(commands, "rep all")).toEqual([{ label: "Reply all (a)" }]);
    expect(filterCommands(commands, "")).toHaveLength(3);
  });
});

describe("message frame", () => {
  it("blocks every network load unless remote content is allowed", () => {
    const doc = messageDocument("<p>Hi</p>", false);
    const csp = /content="([^"]*)"/.exec(doc)?.[1] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src data:;");
    expect(csp).toContain("script-src 'none'");
    expect(csp).not.toMatch(/https?:/);
    expect(doc).toContain("<p>Hi</p>");
  });

  it("allows remote images and styles, and still no scripts, when the user loads them", () => {
    const csp = /content="([^"]*)"/.exec(messageDocument("", true))?.[1] ?? "";
    expect(csp).toContain("img-src data: https: http:");
    expect(csp).toContain("script-src 'none'");
  });

  it("prefixes a forward's subject once", () => {
    expect(forwardSubject("Offer")).toBe("Fwd: Offer");
    expect(forwardSubject("FW: Offer")).toBe("FW: Offer");
    expect(forwardSubject("fwd:Offer")).toBe("fwd:Offer");
  });
});
