// Small helpers for component tests: mount a Svelte 5 component into jsdom and drive it the way
// a user would (typing fires `input`, choosing fires `change`), without a testing library.

import { flushSync, mount, unmount, type Component } from "svelte";
import { afterEach } from "vitest";

const mounted: (() => void)[] = [];

afterEach(() => {
  while (mounted.length > 0) mounted.pop()?.();
  document.body.innerHTML = "";
});

export function render<Props extends { [key: string]: unknown }>(component: Component<Props>, props: Props): HTMLElement {
  const target = document.createElement("div");
  document.body.appendChild(target);
  const instance = mount(component, { target, props });
  flushSync();
  mounted.push(() => void unmount(instance));
  return target;
}

export function get<E extends Element = HTMLElement>(root: ParentNode, selector: string): E {
  const element = root.querySelector<E>(selector);
  if (!element) throw new Error(`no element matches ${selector}`);
  return element;
}

export function type(element: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  element.value = value;
  element.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

export function choose(element: HTMLSelectElement, value: string): void {
  element.value = value;
  element.dispatchEvent(new Event("change", { bubbles: true }));
  flushSync();
}

export function click(element: Element): void {
  (element as HTMLElement).click();
  flushSync();
}

/** Lets pending promises (mocked API calls) resolve and Svelte apply what they changed. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
}

/** The `name` attributes of a form's controls, in document order, without repeats. */
export function controlNames(root: ParentNode): string[] {
  const names = [...root.querySelectorAll("input, select, textarea")].map((el) => el.getAttribute("name") ?? "");
  return [...new Set(names)];
}
