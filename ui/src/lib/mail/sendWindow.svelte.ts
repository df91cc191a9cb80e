// What happens after Send, wherever the compose form is (a record page, the Email tab): a message
// sent now waits UNDO_SECONDS in the outbox so the user can take it back, then goes at once
// rather than at the background sender's next look; the user is told what became of it.

import { t } from "../i18n";
import { api, messageOf, type ComposeResult } from "../ipc/api";
import { outcomeText, UNDO_SECONDS, type SentFields } from "./compose";

/** A compose form as its page keeps it: enough to reopen it on Undo. */
export type ComposeState = { draftKey: string };

type Hooks<C extends ComposeState> = {
  /** Undo put the message back: show the form again with what it held. */
  reopen: (compose: C) => void;
  error: (message: string) => void;
  /** The message went (or will not): reload what shows it. */
  refresh: () => Promise<void> | void;
};

export class SendWindow<C extends ComposeState> {
  outcome = $state<string | null>(null);
  /** A message in its undo window: what to put back. */
  undoable = $state<{ id: number; fields: SentFields; compose: C } | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #hooks: Hooks<C>;

  constructor(hooks: Hooks<C>) {
    this.#hooks = hooks;
  }

  /** The form handed its message to the outbox. */
  async sent(result: ComposeResult, fields: SentFields, compose: C | null): Promise<void> {
    const now = Date.now() / 1000;
    if (compose && result.state === "queued" && !result.error && result.send_at <= now + UNDO_SECONDS + 2) {
      this.undoable = { id: result.id, fields, compose };
      this.outcome = t.compose.sendingSoon(UNDO_SECONDS);
      this.#timer = setTimeout(() => void this.sendNow(result.id), Math.max(0, (result.send_at - now) * 1000));
      return;
    }
    this.outcome = outcomeText(result);
    await this.#hooks.refresh();
  }

  /** The undo window has closed: send it now rather than at the background sender's next look. */
  async sendNow(id: number): Promise<void> {
    this.undoable = null;
    try {
      const outcomes = await api.sendDue();
      const mine = outcomes.find((o) => o.id === id);
      // Not among what was sent now: another sender (the background one, or
      // another Candor on this data) has it in hand.
      this.outcome = mine
        ? mine.state === "failed"
          ? t.compose.failed(mine.error ?? "")
          : outcomeText({ ...mine, send_at: 0 })
        : t.compose.goingShortly;
    } catch (e) {
      this.outcome = t.compose.retrying(messageOf(e));
    }
    await this.#hooks.refresh();
  }

  /** Takes the message back out of the outbox and reopens the form with what it held. */
  async undo(): Promise<void> {
    if (!this.undoable) return;
    const { id, fields, compose } = this.undoable;
    clearTimeout(this.#timer);
    this.undoable = null;
    try {
      await api.cancelOutgoing(id);
      await api.saveDraft(compose.draftKey, fields);
      this.outcome = null;
      this.#hooks.reopen(compose);
    } catch (e) {
      this.outcome = null;
      this.#hooks.error(t.compose.undoTooLate(messageOf(e)));
      await this.#hooks.refresh();
    }
  }

  /** Leaving the page ends the undo window early: the background sender takes it from here. */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}
