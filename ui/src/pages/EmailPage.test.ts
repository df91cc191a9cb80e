import { beforeEach, describe, expect, it, vi } from "vitest";
import { choose, click, get, render, settle } from "../test/dom";
import type { MailAccount, MessageView, ThreadDetail, ThreadSummary } from "../lib/ipc/api";
import EmailPage from "./EmailPage.svelte";

const api = vi.hoisted(() => ({
  mailAccounts: vi.fn(),
  mailThreads: vi.fn(),
  searchMail: vi.fn(),
  sendingAccounts: vi.fn(),
  listTemplates: vi.fn(),
  getThread: vi.fn(),
  markMail: vi.fn(),
  moveMail: vi.fn(),
  archiveMail: vi.fn(),
  deleteMail: vi.fn(),
  messageBody: vi.fn(),
  syncNow: vi.fn(),
  replyPrefill: vi.fn(),
  getDraft: vi.fn(),
  saveDraft: vi.fn(),
  discardDraft: vi.fn(),
  recordsForAddresses: vi.fn(),
}));
vi.mock("../lib/ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/ipc/api")>()),
  api,
  onSyncActivity: vi.fn(() => Promise.resolve(() => undefined)),
}));

const work: MailAccount = {
  id: 1,
  name: "Work",
  email_address: "me@agency.example",
  protocol: "imap",
  status: "connected",
  last_sync_at: 1_764_500_000,
  last_error: null,
  auth_kind: "password",
  signature: null,
  sends: true,
  folders: [
    { id: 10, account_id: 1, name: "INBOX", delimiter: "/", role: "inbox", unread: 2, total: 3 },
    { id: 11, account_id: 1, name: "Sent", delimiter: "/", role: "sent", unread: 0, total: 1 },
    { id: 12, account_id: 1, name: "Archive", delimiter: "/", role: "archive", unread: 0, total: 0 },
  ],
};

function thread(id: number, subject: string, unread = 0): ThreadSummary {
  return {
    id,
    subject,
    latest_at: 1_764_500_000 - id,
    message_count: 2,
    unread_count: unread,
    is_flagged: false,
    has_attachment: false,
    participants: ["Celina Nowak"],
    message_ids: [],
  };
}

function message(id: number, threadId: number, folder: string, seen: boolean): MessageView {
  return {
    id,
    thread_id: threadId,
    account_id: 1,
    folder,
    message_id_header: `m${id}@x`,
    subject: "Backend role",
    from_name: "Celina Nowak",
    from_address: "celina@example.pl",
    to: ["me@agency.example"],
    cc: [],
    sent_at: 1_764_500_000,
    received_at: 1_764_500_000,
    is_seen: seen,
    is_flagged: false,
    text_plain: "Hello",
    has_html: false,
    attachment_names: [],
    attachments: [],
    parse_error: null,
  };
}

const detail: ThreadDetail = {
  summary: thread(1, "Backend role", 1),
  messages: [message(100, 1, "INBOX", false), message(101, 1, "Sent", true)],
};

function key(k: string) {
  window.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
}

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  api.mailAccounts.mockResolvedValue([work]);
  api.mailThreads.mockResolvedValue({
    threads: [thread(1, "Backend role", 1), thread(2, "Frontend role", 1), thread(3, "Offer")],
    next: null,
  });
  api.sendingAccounts.mockResolvedValue([]);
  api.listTemplates.mockResolvedValue([]);
  api.getThread.mockResolvedValue(detail);
  api.markMail.mockResolvedValue(1);
  api.moveMail.mockResolvedValue(1);
  api.archiveMail.mockResolvedValue(1);
  api.recordsForAddresses.mockResolvedValue([
    { address: "celina@example.pl", record_id: 7, kind: "candidate", display_name: "Celina Nowak" },
  ]);
});

describe("the Email tab", () => {
  it("lists the unified inbox with folder counts and opens the account's folders", async () => {
    const root = render(EmailPage, {});
    await settle();
    expect(api.mailThreads).toHaveBeenCalledWith(expect.objectContaining({ role: "inbox", folder_id: null }));
    expect(get(root, '[data-testid="unified-inbox"]').textContent).toContain("2");
    const rows = root.querySelectorAll('[data-testid="thread-row"]');
    expect([...rows].map((r) => r.textContent)).toEqual([
      expect.stringContaining("Backend role"),
      expect.stringContaining("Frontend role"),
      expect.stringContaining("Offer"),
    ]);
    click(get(root, '[data-folder="Archive"]'));
    await settle();
    expect(api.mailThreads).toHaveBeenLastCalledWith(expect.objectContaining({ folder_id: 12 }));
  });

  it("names the user's own address as me among a conversation's people", async () => {
    api.mailThreads.mockResolvedValue({
      threads: [{ ...thread(1, "Backend role"), participants: ["Celina Nowak", "ME@agency.example"] }],
      next: null,
    });
    const root = render(EmailPage, {});
    await settle();
    expect(get(root, '[data-testid="thread-row"] .who').textContent).toBe("Celina Nowak, me");
  });

  it("opens a conversation with j and marks its unread messages read", async () => {
    const root = render(EmailPage, {});
    await settle();
    key("j");
    await settle();
    expect(api.getThread).toHaveBeenCalledWith(1);
    expect(api.markMail).toHaveBeenCalledWith([100], true, null);
    expect(get(root, '[data-testid="thread-row"]').classList.contains("unread")).toBe(false);
  });

  it("links the people of a conversation to their records", async () => {
    const root = render(EmailPage, {});
    await settle();
    key("j");
    await settle();
    expect(api.recordsForAddresses).toHaveBeenCalledWith(
      expect.arrayContaining(["celina@example.pl", "me@agency.example"]),
    );
    const link = get<HTMLAnchorElement>(root, '[data-testid="person-link"]');
    expect(link.getAttribute("href")).toBe("#/candidates/7");
    expect(link.textContent).toContain("celina@example.pl");
    // A known sender is not offered as a new record.
    expect(root.textContent).not.toContain("Save sender as");
  });

  it("archives with e: the conversation leaves the list at once, only its Inbox messages move", async () => {
    const root = render(EmailPage, {});
    await settle();
    key("j");
    await settle();
    key("e");
    await settle();
    expect(api.archiveMail).toHaveBeenCalledWith([100]);
    const subjects = [...root.querySelectorAll('[data-testid="thread-row"]')].map((r) => r.textContent);
    expect(subjects.some((s) => s?.includes("Backend role"))).toBe(false);
    expect(subjects).toHaveLength(2);
  });

  it("offers to move the open conversation into its own account's folders only", async () => {
    const personal: MailAccount = {
      ...work,
      id: 2,
      name: "Personal",
      email_address: "me@home.example",
      folders: [
        { id: 20, account_id: 2, name: "INBOX", delimiter: "/", role: "inbox", unread: 0, total: 1 },
        { id: 21, account_id: 2, name: "Family", delimiter: "/", role: null, unread: 0, total: 4 },
      ],
    };
    api.mailAccounts.mockResolvedValue([work, personal]);
    const root = render(EmailPage, {});
    await settle();
    key("j");
    await settle();
    const move = get<HTMLSelectElement>(root, 'select[aria-label="Move to…"]');
    const offered = [...move.options].map((o) => o.value).filter(Boolean);
    expect(offered).toEqual(["Sent", "Archive"]);
    choose(move, "Archive");
    await settle();
    expect(api.moveMail).toHaveBeenCalledWith([100], "Archive");
  });

  it("puts the conversation back when the archive fails", async () => {
    api.archiveMail.mockRejectedValue(new Error("The account has no Archive folder"));
    const root = render(EmailPage, {});
    await settle();
    key("j");
    await settle();
    key("e");
    await settle();
    expect(root.querySelectorAll('[data-testid="thread-row"]')).toHaveLength(3);
    expect(root.textContent).toContain("no Archive folder");
  });

  it("leaves letters typed into the search box alone and searches on Enter", async () => {
    api.searchMail.mockResolvedValue([thread(3, "Offer")]);
    const root = render(EmailPage, {});
    await settle();
    const search = get<HTMLInputElement>(root, '[data-testid="mail-search"]');
    search.focus();
    search.dispatchEvent(new KeyboardEvent("keydown", { key: "e", bubbles: true }));
    await settle();
    expect(api.archiveMail).not.toHaveBeenCalled();
    search.value = "from:celina";
    search.dispatchEvent(new Event("input", { bubbles: true }));
    search.form?.requestSubmit();
    await settle();
    expect(api.searchMail).toHaveBeenCalledWith("from:celina");
    expect(root.querySelectorAll('[data-testid="thread-row"]')).toHaveLength(1);
  });

  it("leaves the keyboard to the compose window while it is open", async () => {
    api.getDraft.mockResolvedValue(null);
    const root = render(EmailPage, {});
    await settle();
    key("c");
    await settle();
    get(root.ownerDocument.body, '[data-testid="compose-window"]');
    key("j");
    key("e");
    await settle();
    expect(api.getThread).not.toHaveBeenCalled();
    expect(api.archiveMail).not.toHaveBeenCalled();
  });

  it("opens the command palette with Ctrl+K and runs what is chosen", async () => {
    const root = render(EmailPage, {});
    await settle();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "k", ctrlKey: true, bubbles: true }));
    await settle();
    const palette = get(root.ownerDocument.body, '[data-testid="command-palette"]');
    const input = get<HTMLInputElement>(palette, "input");
    input.value = "sync";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await settle();
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle();
    expect(api.syncNow).toHaveBeenCalled();
  });
});
