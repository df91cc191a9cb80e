// The Email tab's logic, kept out of the components so it can be tested: which list is shown,
// folder indentation, the virtual window of the thread list, optimistic changes, keyboard
// shortcuts, and the frame a message's sanitized HTML is shown in.

import type { FolderOverview, MailAccount, ThreadSummary } from "../ipc/api";

/** What the thread list shows: a unified view across accounts, one folder, or search results. */
export type MailView =
  | { kind: "unified"; role: "inbox" | "sent" }
  | { kind: "folder"; folderId: number }
  | { kind: "search"; query: string }
  | { kind: "outbox" };

export function sameView(a: MailView, b: MailView): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Unread mail across every account's folders of a role (the unified Inbox's count). */
export function unreadInRole(accounts: readonly MailAccount[], role: string): number {
  return accounts.flatMap((a) => a.folders).reduce((n, f) => n + (f.role === role ? f.unread : 0), 0);
}

/** A folder as the folder pane draws it: its last name segment, indented by its depth. */
export type FolderLine = { folder: FolderOverview; label: string; depth: number };

export function folderLines(folders: readonly FolderOverview[]): FolderLine[] {
  return folders.map((folder) => {
    const parts = folder.delimiter ? folder.name.split(folder.delimiter) : [folder.name];
    const label = parts.at(-1) || folder.name;
    return { folder, label, depth: parts.length - 1 };
  });
}

/** The rows of a list of `count` rows of `rowHeight` pixels worth drawing at this scroll position. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 6,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + shown + overscan);
  return { start, end: Math.max(start, end) };
}

/** The scroll position that brings row `index` into view, or null when it already is. */
export function scrollToShow(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}

/**
 * The list with its next page after it. A conversation already listed is not listed twice (mail
 * arriving between two pages moves a thread to the top, and the next page can name it again).
 * One pass with a set: deep in a 100,000-conversation list, checking each new row against every
 * loaded one cost a frame at each page while scrolling.
 */
export function appendPage(threads: readonly ThreadSummary[], page: readonly ThreadSummary[]): ThreadSummary[] {
  const listed = new Set(threads.map((t) => t.id));
  return [...threads, ...page.filter((p) => !listed.has(p.id))];
}

/**
 * The thread list after an action, before the server confirms it (optimistic): threads moved out
 * of the view (archive, delete, move) leave it; read and flag changes show at once.
 */
export type ThreadChange =
  | { kind: "remove"; ids: readonly number[] }
  | { kind: "read"; ids: readonly number[]; seen: boolean }
  | { kind: "flag"; ids: readonly number[]; flagged: boolean };

export function applyChange(threads: readonly ThreadSummary[], change: ThreadChange): ThreadSummary[] {
  const ids = new Set(change.ids);
  switch (change.kind) {
    case "remove":
      return threads.filter((t) => !ids.has(t.id));
    case "read":
      return threads.map((t) =>
        ids.has(t.id) ? { ...t, unread_count: change.seen ? 0 : Math.max(1, t.unread_count) } : t,
      );
    case "flag":
      return threads.map((t) => (ids.has(t.id) ? { ...t, is_flagged: change.flagged } : t));
  }
}

/** Every action of the Email tab, for the keyboard and the command palette. */
export type MailCommand =
  | "next"
  | "previous"
  | "open"
  | "reply"
  | "replyAll"
  | "forward"
  | "archive"
  | "delete"
  | "toggleRead"
  | "toggleFlag"
  | "search"
  | "compose"
  | "close"
  | "palette"
  | "syncNow";

/**
 * The command a key press means, or null. Single letters are Gmail's and Outlook.com's shortcuts,
 * which recruiters moving over already know. Keys typed into a field stay text, except Escape.
 */
export function commandForKey(
  event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">,
  typing: boolean,
): MailCommand | null {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") return "palette";
  if (event.key === "Escape") return "close";
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case "j":
    case "ArrowDown":
      return "next";
    case "k":
    case "ArrowUp":
      return "previous";
    case "Enter":
    case "o":
      return "open";
    case "r":
      return "reply";
    case "a":
      return "replyAll";
    case "f":
      return "forward";
    case "e":
      return "archive";
    case "#":
    case "Delete":
      return "delete";
    case "u":
      return "toggleRead";
    case "s":
      return "toggleFlag";
    case "/":
      return "search";
    case "c":
      return "compose";
    default:
      return null;
  }
}

/** True when the focused element takes typing (so "j" is a letter, not "next"). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** The palette's commands whose label contains every word typed, in order of the list. */
export function filterCommands<T extends { label: string }>(commands: readonly T[], typed: string): T[] {
  const words = typed.toLowerCase().split(/\s+/).filter(Boolean);
  return commands.filter((c) => words.every((w) => c.label.toLowerCase().includes(w)));
}

/**
 * The document a message's HTML is shown in, inside a sandboxed frame (no scripts, no forms, no
 * plugins). The HTML was sanitized by the core already; this frame's own Content-Security-Policy
 * is the second wall: nothing loads from the network unless the user allowed remote content for
 * this message or sender, and even then only images and styles, never scripts, frames or fonts
 * from elsewhere.
 */
export function messageDocument(sanitizedHtml: string, loadRemote: boolean): string {
  const remote = loadRemote ? " https: http:" : "";
  const csp = [
    "default-src 'none'",
    `img-src data:${remote}`,
    `style-src 'unsafe-inline'${remote}`,
    "font-src data:",
    "script-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
  return (
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<meta name="referrer" content="no-referrer">` +
    `<style>html,body{margin:0;padding:0}body{font:14px/1.5 system-ui,sans-serif;color:#1f2328;` +
    `overflow-wrap:anywhere;padding:2px 0}img{max-width:100%;height:auto}` +
    `[data-candor-blocked]{display:inline-block;min-width:16px;min-height:16px;` +
    `background:#eef0f3;outline:1px dashed #c4c9d0}pre{white-space:pre-wrap}</style>` +
    `</head><body>${sanitizedHtml}</body></html>`
  );
}

/**
 * The messages of a conversation that an archive, delete or move in this view applies to: those
 * in the folder shown (the Inbox messages of an Inbox conversation, not the user's replies in
 * Sent). In search results, every message outside Sent and Drafts.
 */
export function messagesInView(
  detail: { messages: readonly { id: number; account_id: number; folder: string | null }[] },
  view: MailView,
  accounts: readonly MailAccount[],
): number[] {
  const folders = accounts.flatMap((a) => a.folders);
  const place = (m: { account_id: number; folder: string | null }) =>
    folders.find((f) => f.account_id === m.account_id && f.name === m.folder);
  return detail.messages
    .filter((m) => {
      const folder = place(m);
      switch (view.kind) {
        case "folder":
          return folder?.id === view.folderId;
        case "unified":
          return folder?.role === view.role;
        case "search":
          return folder?.role !== "sent" && folder?.role !== "drafts";
        case "outbox":
          return false;
      }
    })
    .map((m) => m.id);
}

/**
 * The folders "Move to…" offers, by name. A move goes by name into each message's own account (the
 * core finds the folder of that name there), so the list holds the names that every account in
 * play has, less where the messages already are. In play: in a folder view, that folder's
 * account (the folder itself left out); otherwise the accounts of the open conversation's
 * messages in view (in the unified Inbox or Sent, the Inbox or Sent folders left out); when
 * neither is known (several conversations picked in a unified view or a search), every account,
 * and an account without the chosen folder refuses the move with a message.
 */
export function moveTargets(
  view: MailView,
  open: { messages: readonly { id: number; account_id: number; folder: string | null }[] } | null,
  accounts: readonly MailAccount[],
): string[] {
  const folders = accounts.flatMap((a) => a.folders);
  let inPlay: number[] | null = null;
  let current: (name: string) => boolean = () => false;
  if (view.kind === "folder") {
    const shown = folders.find((f) => f.id === view.folderId);
    if (shown) {
      inPlay = [shown.account_id];
      current = (name) => name === shown.name;
    }
  } else {
    if (view.kind === "unified") current = (name) => folders.some((f) => f.name === name && f.role === view.role);
    if (open) {
      const ids = new Set(messagesInView(open, view, accounts));
      inPlay = [...new Set(open.messages.filter((m) => ids.has(m.id)).map((m) => m.account_id))];
    }
  }
  const scoped = inPlay ?? accounts.map((a) => a.id);
  const namesOf = (id: number) => new Set(folders.filter((f) => f.account_id === id).map((f) => f.name));
  const everywhere = (name: string) => inPlay === null || inPlay.every((id) => namesOf(id).has(name));
  const names = folders.filter((f) => scoped.includes(f.account_id)).map((f) => f.name);
  return [...new Set(names)].filter((name) => !current(name) && everywhere(name));
}

/** "Fwd: subject", not "Fwd: Fwd: subject". */
export function forwardSubject(subject: string): string {
  return /^\s*(fwd?|fw)\s*:/i.test(subject) ? subject : `Fwd: ${subject}`;
}
