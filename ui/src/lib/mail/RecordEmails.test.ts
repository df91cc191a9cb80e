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
  recordsForAddresses: vi.fn(() => Promise.resolve([])),
  addressSuggestions: vi.fn(() => Promise.resolve([])),
  unlinkMessage: vi.fn(),
  getDraft: vi.fn(),
  saveDraft: vi.fn(),
  discardDraft: vi.fn(),
  cancelOutgoing: vi.fn(),
  sendDue: vi.fn(),
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
  is_flagged: false,
  has_attachment: true,
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
  attachments: [{ position: 1, filename: "CV.pdf", content_type: "application/pdf", size_bytes: 48213 }],
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
  api.unlinkMessage.mockReset().mockResolvedValue(undefined);
  api.getDraft.mockReset().mockResolvedValue(null);
  api.saveDraft.mockReset().mockResolvedValue(1);
  api.discardDraft.mockReset().mockResolvedValue(undefined);
  api.cancelOutgoing.mockReset().mockResolvedValue(undefined);
  api.sendDue.mockReset().mockResolvedValue([]);
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

    const soon = Math.floor(Date.now() / 1000);
    api.send.mockResolvedValue({ id: 3, message_id: "r@x", state: "queued", error: null, send_at: soon });
    api.sendDue.mockResolvedValue([{ id: 3, message_id: "r@x", state: "sent", error: null }]);
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
      }),
    );
    const sendAt = (api.send.mock.calls[0]?.[0] as { send_at: number }).send_at;
    expect(sendAt - Date.now() / 1000, "it waits a few seconds, for Undo").toBeGreaterThan(3);
    // The window here closes at once (send_at is now); then it is sent.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await settle();
    expect(api.sendDue).toHaveBeenCalled();
    expect(get(root, '[data-testid="compose-outcome"]').textContent?.trim()).toBe("Sent.");
    expect(root.querySelector('[data-testid="compose-form"]'), "the form closes once sent").toBeNull();
    expect(api.getThread, "the conversation reloads with the reply").toHaveBeenCalledTimes(2);
    expect(api.discardDraft, "a sent message's draft goes").toHaveBeenCalledWith("reply:40");
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

  it("takes a message off the page by hand, closing a conversation left with nothing here", async () => {
    const root = render(RecordEmails, { record: celina });
    await settle();
    click(get(root, '[data-testid="thread-row"]'));
    await settle();
    api.recordEmails.mockResolvedValue([]);
    click(get(root, '[data-testid="unlink"]'));
    await settle();
    expect(api.unlinkMessage).toHaveBeenCalledWith(40, 7);
    expect(root.querySelector('[data-testid="conversation"]')).toBeNull();
    expect(root.textContent).toContain("No emails with this person yet.");
  });

  it("keeps what the user writes as a draft and takes it up again", async () => {
    const root = render(RecordEmails, { record: celina });
    await settle();
    click(get(root, '[data-testid="compose"]'));
    await settle();
    expect(api.getDraft).toHaveBeenCalledWith("record:7");
    type(get<HTMLTextAreaElement>(root, "textarea[name=body]"), "Half a thought");
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(api.saveDraft).toHaveBeenLastCalledWith(
      "record:7",
      expect.objectContaining({ account: "Work", to: "celina@example.pl", body: "Half a thought" }),
    );

    // Opened again later: the draft is back, and the user is told so.
    api.getDraft.mockResolvedValue({
      context: "record:7",
      fields: { account: "Work", to: "celina@example.pl", cc: "", bcc: "", subject: "Hi", body: "Half a thought" },
      updated_at: 1_764_500_000,
    });
    const again = render(RecordEmails, { record: celina });
    await settle();
    click(get(again, '[data-testid="compose"]'));
    await settle();
    expect(get<HTMLTextAreaElement>(again, "textarea[name=body]").value).toBe("Half a thought");
    expect(get<HTMLInputElement>(again, "input[name=subject]").value).toBe("Hi");
    expect(get(again, '[data-testid="draft-note"]').textContent).toContain("Your draft from");

    click(get(again, '[data-testid="compose-discard"]'));
    await settle();
    expect(api.discardDraft).toHaveBeenCalledWith("record:7");
    expect(again.querySelector('[data-testid="compose-form"]')).toBeNull();
  });

  it("takes a message back within the undo window and reopens what was written", async () => {
    api.send.mockResolvedValue({
      id: 9,
      message_id: "u@x",
      state: "queued",
      error: null,
      send_at: Math.floor(Date.now() / 1000) + 5,
    });
    const root = render(RecordEmails, { record: celina });
    await settle();
    click(get(root, '[data-testid="compose"]'));
    await settle();
    type(get<HTMLTextAreaElement>(root, "textarea[name=body]"), "Oops, wrong person");
    click(get(root, '[data-testid="compose-send"]'));
    await settle();
    expect(get(root, '[data-testid="compose-outcome"]').textContent).toContain("Sending in 5 seconds");
    expect(root.querySelector('[data-testid="compose-form"]')).toBeNull();

    api.getDraft.mockImplementation(async () => ({
      context: "record:7",
      fields: api.saveDraft.mock.lastCall?.[1],
      updated_at: 1,
    }));
    click(get(root, '[data-testid="undo-send"]'));
    await settle();
    expect(api.cancelOutgoing).toHaveBeenCalledWith(9);
    expect(api.saveDraft).toHaveBeenLastCalledWith("record:7", expect.objectContaining({ body: "Oops, wrong person" }));
    expect(get<HTMLTextAreaElement>(root, "textarea[name=body]").value).toBe("Oops, wrong person");
    expect(api.sendDue, "an undone message is not sent").not.toHaveBeenCalled();
  });
});
