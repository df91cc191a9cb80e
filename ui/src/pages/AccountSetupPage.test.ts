import { beforeEach, describe, expect, it, vi } from "vitest";
import { click, get, render, settle, type } from "../test/dom";
import type { ConnectionReport } from "../lib/ipc/api";
import AccountSetupPage from "./AccountSetupPage.svelte";

const api = vi.hoisted(() => ({ addAccount: vi.fn(), testAccount: vi.fn(), trustCertificate: vi.fn() }));
vi.mock("../lib/ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/ipc/api")>()),
  api,
}));

const untrusted: ConnectionReport = {
  account: "gmail",
  incoming: {
    protocol: "imap",
    host: "imap.gmail.com",
    port: 993,
    ok: false,
    problem: {
      kind: "untrusted_certificate",
      message: "The server's certificate is not trusted.",
      fingerprint: "AB:CD",
      certificate_pem: "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n",
    },
  },
  outgoing: null,
};

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  window.location.hash = "#/accounts/new";
});

describe("account setup", () => {
  it("fills a known provider's servers from the address and says when an app password is needed", async () => {
    const root = render(AccountSetupPage, {});
    const email = get<HTMLInputElement>(root, "input[name=email]");
    type(email, "tom@gmail.com");
    email.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
    await settle();
    expect(get<HTMLInputElement>(root, "input[name=host]").value).toBe("imap.gmail.com");
    expect(get<HTMLInputElement>(root, "input[name=port]").value).toBe("993");
    expect(get<HTMLInputElement>(root, "input[name=smtp_host]").value).toBe("smtp.gmail.com");
    expect(root.textContent).toContain("App password");
  });

  it("adds the account, names it after the domain when unnamed, and shows what to fix", async () => {
    api.addAccount.mockResolvedValue(untrusted);
    const root = render(AccountSetupPage, {});
    const email = get<HTMLInputElement>(root, "input[name=email]");
    type(email, "tom@gmail.com");
    email.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
    await settle();
    type(get<HTMLInputElement>(root, "input[name=password]"), "app-password");
    click(get(root, "[data-testid=account-add]"));
    await settle();
    expect(api.addAccount).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: "password",
        name: "gmail",
        email: "tom@gmail.com",
        username: "tom@gmail.com",
        incoming: { host: "imap.gmail.com", port: 993, security: "tls" },
        outgoing: { host: "smtp.gmail.com", port: 465, security: "tls" },
        pop3_delete: { when: "never" },
      }),
    );
    expect(get(root, "[data-testid=account-problem]").textContent).toContain("AB:CD");
    api.trustCertificate.mockResolvedValue(undefined);
    click(get(root, "[data-testid=trust-certificate]"));
    await settle();
    expect(api.trustCertificate).toHaveBeenCalledWith("gmail", untrusted.incoming.problem?.certificate_pem);
  });

  it("shows a refused field next to the field", async () => {
    api.addAccount.mockRejectedValue({ code: "invalid", message: "That is not an email address.", field: "email" });
    const root = render(AccountSetupPage, {});
    type(get<HTMLInputElement>(root, "input[name=email]"), "tom");
    click(get(root, "[data-testid=account-add]"));
    await settle();
    expect(get(root, "[data-testid=field-error-email]").textContent).toContain("not an email address");
  });
});
