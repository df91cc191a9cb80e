// Pure helpers of the compose form and the conversation view, kept apart from the components so
// they can be tested without a window.

import { formatDateTime } from "../format";
import { t } from "../i18n";
import type { ComposeResult } from "../ipc/api";

/** Seconds a sent message waits in the outbox, so that Undo can take it back. */
export const UNDO_SECONDS = 5;

/** What the compose form held when it sent, to put back if the user undoes the send. */
export type SentFields = {
  account: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  body: string;
};

/** Where a compose form starts: empty, or a reply's recipients and subject. */
export type ComposeStart = {
  to: string[];
  cc: string[];
  subject: string;
  /** The local id of the message answered, for In-Reply-To, References and the quote. */
  replyTo: number | null;
  replyAll: boolean;
  /** The local id of a message forwarded, with its attachments. */
  forward?: number | null;
};

/** What to tell the user about a message once the form has handed it over. */
export function outcomeText(result: ComposeResult, now: number = Date.now() / 1000): string {
  if (result.state === "sent") return t.compose.sent;
  if (result.state === "unknown") return t.compose.unknown;
  if (result.state === "queued" && !result.error && result.send_at > now + 30) {
    return t.compose.scheduled(formatDateTime(result.send_at));
  }
  return t.compose.retrying(result.error ?? "");
}

/**
 * The addresses typed in a To/Cc/Bcc box: separated by commas, semicolons or new lines, except
 * inside a quoted display name (`"Nowak, Anna" <anna@example.pl>`). Blank entries are dropped;
 * the core checks each address and names the one it refuses.
 */
export function splitAddresses(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === "," || ch === ";" || ch === "\n")) {
      out.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map((a) => a.trim()).filter((a) => a !== "");
}

/** The address being typed: what follows the last separator outside quotes. */
export function lastAddress(text: string): string {
  return splitAddresses(`${text}\u0000`).at(-1)?.replace("\u0000", "").trim() ?? "";
}

/** The field with the address being typed replaced by `mailbox`, ready for the next one. */
export function completeLast(text: string, mailbox: string): string {
  const done = splitAddresses(`${text}\u0000`).slice(0, -1);
  return `${joinAddresses([...done, mailbox])}, `;
}

export function joinAddresses(addresses: readonly string[]): string {
  return addresses.join(", ");
}

/** A file's contents in Base64, as the send command takes attachments (the web view has no paths). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  // In slices: String.fromCharCode(...bytes) overflows the call stack on a few hundred kilobytes.
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice) {
    binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  }
  return btoa(binary);
}

/**
 * Splits a plain-text body into what the sender wrote and the quoted original trailing it
 * (`> ` lines and the "On … wrote:" line that introduces them), so the conversation view can
 * collapse what the previous message already shows. Quotes interleaved with answers are not
 * trailing and stay visible: hiding them would hide the answers' context.
 */
export function splitTrailingQuote(text: string): { own: string; quoted: string } {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let start = lines.length;
  let sawQuote = false;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (line.startsWith(">")) {
      sawQuote = true;
      start = i;
    } else if (line.trim() === "") {
      start = i;
    } else {
      break;
    }
  }
  if (!sawQuote) return { own: text, quoted: "" };
  // The attribution line ("On Tue, Anna wrote:", "W dniu … napisał:") just above the quote.
  const above = lines[start - 1];
  if (above !== undefined && /:\s*$/.test(above)) start -= 1;
  return {
    own: lines.slice(0, start).join("\n").trimEnd(),
    quoted: lines.slice(start).join("\n").trim(),
  };
}

/** The address in a `Name <address>` entry, or the entry itself. */
export function addressOf(entry: string): string {
  const match = /<([^<>]+)>\s*$/.exec(entry);
  return (match?.[1] ?? entry).trim();
}
