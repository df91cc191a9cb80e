import { beforeEach, describe, expect, it, vi } from "vitest";
import type { RecordDetail, RecordInput } from "./bindings";

// The generated bindings call Tauri's invoke, which does not exist outside the app window; the
// wrapper's job is what happens to their Result values, so the commands are stubbed.
const commands = vi.hoisted(() => ({
  sessionStatus: vi.fn(),
  sessionUnlock: vi.fn(),
  recordsList: vi.fn(),
  recordGet: vi.fn(),
  recordCreate: vi.fn(),
  recordUpdate: vi.fn(),
  recordDelete: vi.fn(),
}));
vi.mock("./bindings", () => ({ commands }));

const { api, ApiFailure, messageOf } = await import("./api");

const input: RecordInput = {
  fields: { kind: "client", name: "Initech", website: null, phone: null },
  notes: "",
};

beforeEach(() => {
  for (const command of Object.values(commands)) command.mockReset();
});

describe("api", () => {
  it("returns the data of an ok result and passes arguments through unchanged", async () => {
    const saved = { id: 3, display_name: "Initech" } as RecordDetail;
    commands.recordUpdate.mockResolvedValue({ status: "ok", data: saved });

    await expect(api.updateRecord(3, input)).resolves.toBe(saved);
    expect(commands.recordUpdate).toHaveBeenCalledWith(3, input);
  });

  it("throws an ApiFailure carrying the core's code, message and field", async () => {
    commands.recordCreate.mockResolvedValue({
      status: "error",
      error: { code: "invalid", message: "Enter the client's name.", field: "name" },
    });

    const failure = await api.createRecord(input).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ code: "invalid", message: "Enter the client's name.", field: "name" });
  });

  it("treats a missing field as null, so callers can compare without undefined checks", async () => {
    commands.recordGet.mockResolvedValue({ status: "error", error: { code: "not_found", message: "Gone." } });

    await expect(api.getRecord(1)).rejects.toMatchObject({ code: "not_found", field: null });
  });

  it("wraps an Error thrown by invoke (no Tauri window) instead of letting a TypeError reach the page", async () => {
    const cause = new TypeError("Cannot read properties of undefined (reading 'invoke')");
    commands.sessionStatus.mockRejectedValue(cause);

    const failure = await api.sessionStatus().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ code: "unexpected", field: null, cause });
    expect((failure as Error).message, "the original reason stays visible for support").toContain(cause.message);
  });

  it("wraps a bare string rejection, which is how Tauri reports a command the capability forbids", async () => {
    commands.recordsList.mockResolvedValue({ status: "error", error: "records_list not allowed" });

    const failure = await api.listRecords("client").catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "unexpected" });
    expect((failure as Error).message).toContain("records_list not allowed");
  });

  it("resolves a delete to nothing rather than leaking the binding's null", async () => {
    commands.recordDelete.mockResolvedValue({ status: "ok", data: null });
    await expect(api.deleteRecord(9)).resolves.toBeUndefined();
    expect(commands.recordDelete).toHaveBeenCalledWith(9);
  });

  it("returns a locked session status as data: being locked is a state, not an error", async () => {
    const locked = {
      state: "locked",
      data_dir: "/d",
      new_database: false,
      reason: { code: "wrong_key", message: "That passphrase does not open this database.", field: null },
    };
    commands.sessionUnlock.mockResolvedValue({ status: "ok", data: locked });
    await expect(api.unlock("pw")).resolves.toEqual(locked);
    expect(commands.sessionUnlock).toHaveBeenCalledWith("pw");
  });
});

describe("messageOf", () => {
  it("gives a readable message for anything a page may catch", () => {
    expect(messageOf(new ApiFailure("storage", "Disk full."))).toBe("Disk full.");
    expect(messageOf({ code: "locked", message: "Unlock first.", field: null })).toBe("Unlock first.");
    expect(messageOf(new Error("boom"))).toContain("boom");
  });
});
