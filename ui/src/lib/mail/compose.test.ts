import { describe, expect, it } from "vitest";
import {
  addressOf,
  completeLast,
  fileToBase64,
  joinAddresses,
  lastAddress,
  outcomeText,
  splitAddresses,
  splitTrailingQuote,
} from "./compose";

describe("splitAddresses", () => {
  it("splits on commas, semicolons and new lines and drops blanks", () => {
    expect(splitAddresses(" a@x.pl, b@y.com;c@z.org\n\n, ")).toEqual(["a@x.pl", "b@y.com", "c@z.org"]);
  });

  it("keeps a comma inside a quoted display name", () => {
    expect(splitAddresses('"Nowak, Anna" <anna@example.pl>, jan@example.pl')).toEqual([
      '"Nowak, Anna" <anna@example.pl>',
      "jan@example.pl",
    ]);
  });

  it("round-trips through joinAddresses", () => {
    const list = ["a@x.pl", "\"B, C\" <b@y.com>"];
    expect(splitAddresses(joinAddresses(list))).toEqual(list);
  });
});

describe("splitTrailingQuote", () => {
  it("collapses a trailing quote with its attribution line", () => {
    const body = "Thanks, Thursday works.\n\nOn Tue, Anna wrote:\n> Can we talk?\n> \n> Anna\n";
    expect(splitTrailingQuote(body)).toEqual({
      own: "Thanks, Thursday works.",
      quoted: "On Tue, Anna wrote:\n> Can we talk?\n> \n> Anna",
    });
  });

  it("leaves interleaved answers visible", () => {
    const body = "> When can you start?\nIn March.\n> Salary?\nAs discussed.";
    expect(splitTrailingQuote(body)).toEqual({ own: body, quoted: "" });
  });

  it("leaves a message without quotes whole", () => {
    expect(splitTrailingQuote("Hello,\nsee you.")).toEqual({ own: "Hello,\nsee you.", quoted: "" });
  });
});

describe("addressOf", () => {
  it("takes the address out of a display entry", () => {
    expect(addressOf('"Anna Nowak" <anna@example.pl>')).toBe("anna@example.pl");
    expect(addressOf("jan@example.pl")).toBe("jan@example.pl");
  });
});

describe("fileToBase64", () => {
  it("encodes every byte, also past one slice", async () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    const encoded = await fileToBase64(new Blob([bytes]));
    const decoded = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(bytes);
  });
});

describe("outcomeText", () => {
  const base = { id: 1, message_id: "a@b", error: null, send_at: 1_000 };
  it("tells sent, scheduled and retried messages apart", () => {
    expect(outcomeText({ ...base, state: "sent" }, 1_000)).toBe("Sent.");
    expect(outcomeText({ ...base, state: "queued", send_at: 90_000 }, 1_000)).toMatch(/^Scheduled for /);
    expect(outcomeText({ ...base, state: "queued", error: "Connection refused." }, 1_000)).toMatch(
      /Connection refused\. It stays in the outbox/,
    );
  });
});

describe("address completion", () => {
  it("completes the address being typed, after the last separator outside quotes", () => {
    expect(lastAddress("anna@x.pl, cel")).toBe("cel");
    expect(lastAddress('"Nowak, Anna" <anna@x.pl>; bo')).toBe("bo");
    expect(lastAddress("anna@x.pl, ")).toBe("");
    expect(completeLast("anna@x.pl, cel", "Celina Nowak <celina@x.pl>")).toBe(
      "anna@x.pl, Celina Nowak <celina@x.pl>, ",
    );
    expect(completeLast("cel", "celina@x.pl")).toBe("celina@x.pl, ");
  });
});
