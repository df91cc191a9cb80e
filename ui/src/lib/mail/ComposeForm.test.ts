import { beforeEach, describe, expect, it, vi } from "vitest";
import { choose, click, get, render, settle, type } from "../../test/dom";
import ComposeForm from "./ComposeForm.svelte";

const api = vi.hoisted(() => ({
  getDraft: vi.fn(),
  saveDraft: vi.fn(),
  discardDraft: vi.fn(),
  addressSuggestions: vi.fn(),
  recordsForAddresses: vi.fn(),
  renderTemplate: vi.fn(),
}));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
}));

beforeEach(() => {
  api.getDraft.mockResolvedValue(null);
  api.saveDraft.mockResolvedValue(0);
});

function props() {
  return {
    title: "New message",
    accounts: [{ name: "Work", email_address: "me@agency.example" }],
    templates: [],
    recordId: null,
    start: { to: [], cc: [], subject: "", replyTo: null, replyAll: false },
    draftKey: "test",
    onsent: vi.fn(),
    oncancel: vi.fn(),
  };
}

/** A drop event as the web view makes it (jsdom has no DataTransfer). */
function drop(target: Element, files: File[]) {
  const event = new Event("drop", { bubbles: true, cancelable: true });
  Object.defineProperty(event, "dataTransfer", { value: { files, types: ["Files"] } });
  target.dispatchEvent(event);
  return event;
}

describe("compose form", () => {
  it("attaches files dropped on the form", async () => {
    const root = render(ComposeForm, props());
    await settle();
    const event = drop(get(root, '[data-testid="compose-form"]'), [
      new File(["%PDF"], "CV Anna Nowak.pdf", { type: "application/pdf" }),
    ]);
    await settle();
    expect(event.defaultPrevented).toBe(true); // the web view does not open the file instead
    expect(root.textContent).toContain("CV Anna Nowak.pdf");
  });

  it("completes an address from the suggestions with the keyboard", async () => {
    vi.useFakeTimers();
    api.addressSuggestions.mockResolvedValue([
      { address: "anna@x.pl", name: "Anna Nowak", record_id: 7, record_kind: "candidate" },
    ]);
    const root = render(ComposeForm, props());
    const to = get<HTMLInputElement>(root, "input[name=to]");
    to.value = "ann";
    to.dispatchEvent(new Event("input", { bubbles: true }));
    await vi.advanceTimersByTimeAsync(200);
    vi.useRealTimers();
    await settle();
    expect(api.addressSuggestions).toHaveBeenCalledWith("ann");
    expect(get(root, '[data-testid="address-suggestions"]').textContent).toContain("Anna Nowak");
    to.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle();
    expect(to.value).toBe("Anna Nowak <anna@x.pl>, ");
  });
});

describe("templates in the Email tab", () => {
  const withTemplate = () => ({
    ...props(),
    templates: [{ id: 1, name: "First call", subject: "Hello {{first_name}}", body: "Dear {{first_name}},", updated_at: 0 }],
  });

  it("fill in the candidate whose address is first in To", async () => {
    api.recordsForAddresses.mockResolvedValue([
      { address: "anna@x.pl", record_id: 7, kind: "candidate", display_name: "Anna Nowak" },
    ]);
    api.renderTemplate.mockResolvedValue({ subject: "Hello Anna", body: "Dear Anna,", email: "anna@x.pl" });
    const root = render(ComposeForm, withTemplate());
    await settle();
    type(get<HTMLInputElement>(root, "input[name=to]"), "Anna Nowak <anna@x.pl>");
    choose(get<HTMLSelectElement>(root, "select[name=template]"), "First call");
    click([...root.querySelectorAll("button")].find((b) => b.textContent?.includes("↵")) as Element);
    await settle();
    expect(api.recordsForAddresses).toHaveBeenCalledWith(["Anna Nowak <anna@x.pl>"]);
    expect(api.renderTemplate).toHaveBeenCalledWith("First call", 7);
    expect(get<HTMLInputElement>(root, "input[name=subject]").value).toBe("Hello Anna");
  });

  it("say what is missing when To names nobody known", async () => {
    api.recordsForAddresses.mockResolvedValue([]);
    const root = render(ComposeForm, withTemplate());
    await settle();
    type(get<HTMLInputElement>(root, "input[name=to]"), "stranger@x.pl");
    choose(get<HTMLSelectElement>(root, "select[name=template]"), "First call");
    click([...root.querySelectorAll("button")].find((b) => b.textContent?.includes("↵")) as Element);
    await settle();
    expect(api.renderTemplate).not.toHaveBeenCalled();
    expect(root.textContent).toContain("put their address first in To");
  });
});

describe("formatted text", () => {
  it("sends the editor's HTML with its plain text as the alternative, and remembers the choice", async () => {
    localStorage.removeItem("candor.compose.rich");
    const send = vi.fn().mockResolvedValue({ id: 1, message_id: "m", state: "queued", error: null, send_at: 0 });
    Object.assign(api, { send });
    const root = render(ComposeForm, props());
    await settle();
    click(get(root, '[data-testid="rich-toggle"]'));
    await settle();
    expect(localStorage.getItem("candor.compose.rich")).toBe("1");
    const area = get<HTMLDivElement>(root, '[data-testid="rich-body"]');
    // What the contenteditable holds after the user typed and pressed Bold.
    area.innerHTML = "Hello <b>Anna</b>";
    Object.defineProperty(area, "innerText", { value: "Hello Anna", configurable: true });
    area.dispatchEvent(new Event("input", { bubbles: true }));
    type(get<HTMLInputElement>(root, "input[name=to]"), "anna@x.pl");
    get<HTMLFormElement>(root, '[data-testid="compose-form"]').requestSubmit();
    await settle();
    expect(send).toHaveBeenCalledWith(expect.objectContaining({ body: "Hello Anna", html: "Hello <b>Anna</b>" }));
  });
});
