import { describe, expect, it, vi } from "vitest";
import { click, get, render, settle } from "../../test/dom";
import type { MessageBody as Body } from "../ipc/api";
import MessageBody from "./MessageBody.svelte";

const api = vi.hoisted(() => ({
  messageBody: vi.fn(),
  allowRemoteFrom: vi.fn(),
  openLink: vi.fn(),
}));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
}));

const blocked: Body = { html: "<p>Our team</p><img data-candor-blocked>", text: "Our team", remote_blocked: 1, remote_allowed_for_sender: false };
const loaded: Body = { html: '<p>Our team</p><img src="https://img.example/team.png">', text: "Our team", remote_blocked: 0, remote_allowed_for_sender: false };

describe("MessageBody", () => {
  it("keeps remote content loaded when the conversation is shown again", async () => {
    api.messageBody.mockImplementation((_id: number, remote: boolean) => Promise.resolve(remote ? loaded : blocked));
    const first = render(MessageBody, { messageId: 41, senderAddress: "news@sender.test" });
    await settle();
    expect(api.messageBody).toHaveBeenLastCalledWith(41, false);
    click(get(first, "[data-testid=remote-load]"));
    await settle();
    expect(api.messageBody).toHaveBeenLastCalledWith(41, true);
    expect(first.querySelector("[data-testid=remote-blocked]")).toBeNull();

    // A background sync refreshes the conversation: the component is made anew.
    api.messageBody.mockClear();
    const again = render(MessageBody, { messageId: 41, senderAddress: "news@sender.test" });
    await settle();
    expect(api.messageBody).toHaveBeenCalledTimes(1);
    expect(api.messageBody).toHaveBeenLastCalledWith(41, true);
    expect(again.querySelector("[data-testid=remote-blocked]")).toBeNull();

    // Another message is still blocked until the user asks.
    const other = render(MessageBody, { messageId: 42, senderAddress: "news@sender.test" });
    await settle();
    expect(api.messageBody).toHaveBeenLastCalledWith(42, false);
    expect(other.querySelector("[data-testid=remote-blocked]")).not.toBeNull();
  });

  it("shows the remote images in a new frame once the answer carrying them arrives", async () => {
    let answerWithImages: (body: Body) => void = () => {};
    api.messageBody.mockImplementation((_id: number, remote: boolean) =>
      remote ? new Promise<Body>((resolve) => (answerWithImages = resolve)) : Promise.resolve(blocked),
    );
    const view = render(MessageBody, { messageId: 43, senderAddress: "news@sender.test" });
    await settle();
    const blockedFrame = get<HTMLIFrameElement>(view, "[data-testid=message-html]");
    const blockedDocument = blockedFrame.srcdoc;
    expect(blockedDocument).not.toContain("img-src data: https: http:");

    // The bar goes at the click; the frame keeps its document (the blocked HTML under the
    // blocking policy) until the core answers: a frame that changes its document twice in a
    // row is what the window test caught showing no image.
    click(get(view, "[data-testid=remote-load]"));
    await settle();
    expect(view.querySelector("[data-testid=remote-blocked]")).toBeNull();
    expect(get<HTMLIFrameElement>(view, "[data-testid=message-html]")).toBe(blockedFrame);
    expect(blockedFrame.srcdoc).toBe(blockedDocument);

    answerWithImages(loaded);
    await settle();
    const loadedFrame = get<HTMLIFrameElement>(view, "[data-testid=message-html]");
    expect(loadedFrame).not.toBe(blockedFrame);
    expect(loadedFrame.srcdoc).toContain('<img src="https://img.example/team.png">');
    expect(loadedFrame.srcdoc).toContain("img-src data: https: http:");
    expect(view.querySelectorAll("[data-testid=message-html]")).toHaveLength(1);
  });

  it("loads remote content at once for a sender on the list, with no bar", async () => {
    api.messageBody.mockResolvedValue({ ...loaded, remote_blocked: 0, remote_allowed_for_sender: true });
    const view = render(MessageBody, { messageId: 44, senderAddress: "news@sender.test" });
    await settle();
    expect(view.querySelector("[data-testid=remote-blocked]")).toBeNull();
    expect(get<HTMLIFrameElement>(view, "[data-testid=message-html]").srcdoc).toContain("img-src data: https: http:");
  });
});
