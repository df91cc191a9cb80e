import { beforeEach, describe, expect, it, vi } from "vitest";
import { click, get, render, settle, type } from "../test/dom";
import type { ApiError, SessionStatus } from "../lib/ipc/api";
import UnlockScreen from "./UnlockScreen.svelte";

const api = vi.hoisted(() => ({ unlock: vi.fn() }));
vi.mock("../lib/ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/ipc/api")>()),
  api,
}));

const keyringMissing: ApiError = { code: "keyring_unavailable", message: "No keyring was found.", field: null };
const wrongKey: ApiError = { code: "wrong_key", message: "That passphrase does not open this database.", field: null };
const ready: SessionStatus = { state: "ready", data_dir: "/data", key_source: "passphrase" };

function locked(new_database: boolean, reason: ApiError): Extract<SessionStatus, { state: "locked" }> {
  return { state: "locked", data_dir: "/data", new_database, reason };
}

beforeEach(() => api.unlock.mockReset());

describe("UnlockScreen for a new database", () => {
  it("asks for the passphrase twice and refuses a mismatch without calling the core", async () => {
    const onstatus = vi.fn();
    const root = render(UnlockScreen, { status: locked(true, keyringMissing), onstatus });

    expect(get(root, "h1").textContent).toBe("Protect your Candor database");
    expect(root.querySelector('[data-testid="unlock-error"]'), "no error before trying").toBeNull();
    type(get(root, '[name="passphrase"]'), "correct horse");
    type(get(root, '[name="passphrase_confirm"]'), "correct hose");
    click(get(root, '[data-testid="unlock"]'));
    await settle();

    expect(get(root, '[data-testid="unlock-error"]').textContent).toBe("The two passphrases do not match.");
    expect(api.unlock).not.toHaveBeenCalled();
    expect(onstatus).not.toHaveBeenCalled();
  });

  it("refuses a short passphrase with the minimum in the message", async () => {
    const root = render(UnlockScreen, { status: locked(true, keyringMissing), onstatus: vi.fn() });
    type(get(root, '[name="passphrase"]'), "short");
    type(get(root, '[name="passphrase_confirm"]'), "short");
    click(get(root, '[data-testid="unlock"]'));
    await settle();
    expect(get(root, '[data-testid="unlock-error"]').textContent).toContain("at least 8 characters");
    expect(api.unlock).not.toHaveBeenCalled();
  });

  it("sends a valid passphrase as typed and hands the ready status on", async () => {
    api.unlock.mockResolvedValue(ready);
    const onstatus = vi.fn();
    const root = render(UnlockScreen, { status: locked(true, keyringMissing), onstatus });
    type(get(root, '[name="passphrase"]'), " correct horse ");
    type(get(root, '[name="passphrase_confirm"]'), " correct horse ");
    click(get(root, '[data-testid="unlock"]'));
    await settle();

    expect(api.unlock, "passphrases are never trimmed").toHaveBeenCalledWith(" correct horse ");
    expect(onstatus).toHaveBeenCalledWith(ready);
  });
});

describe("UnlockScreen for an existing database", () => {
  it("shows one field, and the core's message when the passphrase is wrong", async () => {
    api.unlock.mockResolvedValue(locked(false, wrongKey));
    const onstatus = vi.fn();
    const root = render(UnlockScreen, {
      status: locked(false, { code: "passphrase_required", message: "Enter the passphrase.", field: null }),
      onstatus,
    });

    expect(get(root, "h1").textContent).toBe("Unlock Candor");
    expect(root.querySelector('[name="passphrase_confirm"]')).toBeNull();
    expect(root.querySelector('[data-testid="unlock-error"]'), "being locked is not an error").toBeNull();
    type(get(root, '[name="passphrase"]'), "guess");
    click(get(root, '[data-testid="unlock"]'));
    await settle();

    expect(get(root, '[data-testid="unlock-error"]').textContent).toBe(wrongKey.message);
    expect(get<HTMLInputElement>(root, '[name="passphrase"]').value, "the wrong passphrase is cleared").toBe("");
    expect(onstatus).not.toHaveBeenCalled();
  });

  it("shows a wrong_key reason it starts with", () => {
    const root = render(UnlockScreen, { status: locked(false, wrongKey), onstatus: vi.fn() });
    expect(get(root, '[data-testid="unlock-error"]').textContent).toBe(wrongKey.message);
  });
});
