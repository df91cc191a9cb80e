import { beforeEach, describe, expect, it, vi } from "vitest";
import { click, get, render, settle, type } from "../test/dom";
import type { MailAccount } from "../lib/ipc/api";
import AccountsPage from "./AccountsPage.svelte";

const api = vi.hoisted(() => ({
  mailAccounts: vi.fn(),
  setAccountPassword: vi.fn(),
  setSignature: vi.fn(),
  removeAccount: vi.fn(),
  syncNow: vi.fn(),
}));
vi.mock("../lib/ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/ipc/api")>()),
  api,
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
  signature: "Tom",
  sends: true,
  folders: [],
};

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  api.mailAccounts.mockResolvedValue([work]);
});

describe("accounts page", () => {
  it("changes a password account's password", async () => {
    api.setAccountPassword.mockResolvedValue(undefined);
    const root = render(AccountsPage, {});
    await settle();
    type(get<HTMLInputElement>(root, "input[name=new-password]"), "new secret");
    get<HTMLFormElement>(root, "form.inline").requestSubmit();
    await settle();
    expect(api.setAccountPassword).toHaveBeenCalledWith("Work", "new secret");
    expect(get(root, "[data-testid=accounts-notice]").textContent).toContain("Work");
  });

  it("edits the signature", async () => {
    api.setSignature.mockResolvedValue(undefined);
    const root = render(AccountsPage, {});
    await settle();
    const area = get<HTMLTextAreaElement>(root, "textarea");
    expect(area.value).toBe("Tom");
    type(area, "Tom Recruiter, Agency Ltd");
    click([...root.querySelectorAll("button")].find((b) => b.textContent?.includes("Save signature")) as Element);
    await settle();
    expect(api.setSignature).toHaveBeenCalledWith("Work", "Tom Recruiter, Agency Ltd");
  });

  it("disconnects only after the user chooses what becomes of the mail here", async () => {
    api.removeAccount.mockResolvedValue(undefined);
    const root = render(AccountsPage, {});
    await settle();
    click(get(root, "[data-testid=remove-account]"));
    await settle();
    expect(api.removeAccount).not.toHaveBeenCalled();
    click(get(root, "[data-testid=remove-keep]"));
    await settle();
    expect(api.removeAccount).toHaveBeenCalledWith("Work", true);
  });
});
