import { beforeEach, describe, expect, it, vi } from "vitest";
import { click, get, render, settle, type } from "../../test/dom";
import type { MessageView, RecordDetail, ThreadDetail, ThreadSummary } from "../ipc/api";
import RecordEmails from "./RecordEmails.svelte";

const api = vi.hoisted(() => ({
  recordEmails: vi.fn(),
  sharedAddresses: vi.fn(),
  sendingAccounts: vi.fn(),
  listTemplates: vi.fn(),
  getThread: vi.fn(),
  replyPrefill: vi.fn(),
  renderTemplate: vi.fn(),
  send: vi.fn(),
  recordFromSender: vi.fn(),
}));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
}));

const celina: RecordDetail = {
  id: 7,
  kind: "candidate",
  display_name: "Celina Nowak",
  fields: {
    kind: "candidate",
    first_name: "Celina",
    last_name: "Nowak",
    emails: ["celina@example.pl"],
    phones: [],
    current_title: null,
    current_employer: null,
  },
  notes: "",
  owner_user_id: 1,
  is_imported: false,
  created_at: 1_700_000_000,
  updated_at: 1_700_000_000,
  client_name: null,
  primary_contact_name: null,
};

const summary: ThreadSummary = {
  id: 12,
  subject: "Backend role",
  latest_at: 1_764_500_000,
  message_count: 1,
  unread_count: 1,
  participants: ["Celina Nowak"],
  message_ids: ["c1@x"],
};

const question: MessageView = {
  id: 40,
  thread_id: 12,
  account_id: 1,
  folder: "INBOX",
  message_id_header: "c1@x",
  subject: "Backend role",
  from_name: "Celina Nowak",
  from_address: "celina@example.pl",
  to: ["tom@agency.example"],
  cc: [],
  sent_at: 1_764_500_000,
  received_at: 1_764_500_000,
  is_seen: false,
  is_flagged: false,
  text_plain: "When would suit you?\n\nOn Mon, Tom wrote:\n> Shall we talk?",
  has_html: false,
  attachment_names: ["CV.pdf"],
  parse_error: null,
};

const thread: ThreadDetail = { summary, messages: [question] };

beforeEach(() => {
  api.recordEmails.mockReset().mockResolvedValue([summary]);
  api.sharedAddresses.mockReset().mockResolvedValue([]);
  api.sendingAccounts.mockReset().mockResolvedValue([{ name: "Work", email_address: "tom@agency.example" }]);
  api.listTemplates.mockReset().mockResolvedValue([]);
  api.getThread.mockReset().mockResolvedValue(thread);
  api.replyPrefill
    .mockReset()
    .mockResolvedValue({ to: ['"Celina Nowak" <celina@example.pl>'], cc: [], subject: "Re: Backend role" });
  api.send.mockReset();
  api.recordFromSender.mockReset();
});

describe("RecordEmails", () => {
  it("lists the record's conversations and says which other record shares an address", async () => {
    api.sharedAddresses.mockResolvedValue([
      { address: "celina@example.pl", record_id: 9, kind: "contact", display_name: "Celina N." },
    ]);
    const root = render(RecordEmails, { record: celina });
    await settle();
    expect(get(root, '[data-testid="thread-row"]').textContent).toContain("Backend role");
    const shared = get(root, '[data-testid="shared-address"] a');
    expect(shared.getAttribute("href")).toBe("#/contacts/9");
    expect(shared.textContent).toContain("also belongs to the contact Celina N.");
  });

  it("opens a conversation with the quote collapsed, and replies in it", async () => {
    const root = render(RecordEmails, { record: celina });
    await settle();
    click(get(root, '[data-testid="thread-row"]'));
    await settle();
    const body = get(root, '[data-testid="message-body"]');
    expect(body.textContent).toBe("When would suit you?");
    expect(root.textContent).toContain("CV.pdf");

    click(get(root, '[data-testid="reply"]'));
    await settle();
    expect(api.replyPrefill).toHaveBeenCalledWith(40, false);
    const form = get(root, '[data-testid="compose-form"]');
    expect(get<HTMLInputElement>(form, "input[name=to]").value).toBe('"Celina Nowak" <celina@example.pl>');
    expect(get<HTMLInputElement>(form, "input[name=subject]").value).toBe("Re: Backend role");

    api.send.mockResolvedValue({ id: 3, message_id: "r@x", state: "sent", error: null, send_at: 1 });
    type(get<HTMLTextAreaElement>(form, "textarea[name=body]"), "Thursday works.");
    click(get(form, '[data-testid="compose-send"]'));
    await settle();
    expect(api.send).toHaveBeenCalledWith(
      expect.objectContaining({
        account: "Work",
        to: ['"Celina Nowak" <celina@example.pl>'],
        body: "Thursday works.",
        reply_to: 40,
        reply_all: false,
        send_at: null,
      }),
    );
    expect(get(root, '[data-testid="compose-outcome"]').textContent).toBe("Sent.");
    expect(root.querySelector('[data-testid="compose-form"]'), "the form closes once sent").toBeNull();
    expect(api.getThread, "the conversation reloads with the reply").toHaveBeenCalledTimes(2);
  });

  it("keeps the form and shows the server's reason when the message is refused", async () => {
    api.send.mockResolvedValue({
      id: 3,
      message_id: "r@x",
      state: "failed",
      error: "550 5.1.1 <nobody@x>: Recipient address rejected",
      send_at: 1,
    });
    const root = render(RecordEmails, { record: celina });
    await settle();
    click(get(root, '[data-testid="compose"]'));
    const form = get(root, '[data-testid="compose-form"]');
    expect(get<HTMLInputElement>(form, "input[name=to]").value, "Compose writes to the record").toBe(
      "celina@example.pl",
    );
    click(get(form, '[data-testid="compose-send"]'));
    await settle();
    expect(get(root, '[data-testid="compose-error"]').textContent).toContain("Recipient address rejected");
    expect(root.querySelector('[data-testid="compose-form"]')).not.toBeNull();
  });

  it("sends nothing without a recipient", async () => {
    const root = render(RecordEmails, { record: { ...celina, fields: { ...celina.fields, emails: [] } } });
    await settle();
    click(get(root, '[data-testid="compose"]'));
    click(get(root, '[data-testid="compose-send"]'));
    await settle();
    expect(api.send).not.toHaveBeenCalled();
    expect(root.textContent).toContain("Add at least one recipient.");
  });
});
