// jsdom has no layout engine, so it has no ResizeObserver either; Svelte's bind:clientHeight
// (the thread list's viewport) needs one to exist. Sizes never change in jsdom, so an observer
// that never reports is exactly what a real one would do here.
if (!("ResizeObserver" in globalThis)) {
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
}
