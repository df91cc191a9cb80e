import { describe, expect, it } from "vitest";
import { isLinuxDesktop } from "./platform";

describe("isLinuxDesktop", () => {
  it("knows WebKitGTK's user agent", () => {
    expect(
      isLinuxDesktop("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15"),
    ).toBe(true);
  });

  it("leaves WebView2, WKWebView and Android to the cross-platform fonts", () => {
    expect(
      isLinuxDesktop(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      ),
    ).toBe(false);
    expect(
      isLinuxDesktop("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"),
    ).toBe(false);
    expect(
      isLinuxDesktop("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"),
    ).toBe(false);
  });
});
