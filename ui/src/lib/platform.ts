// The desktop the window runs on, for the few things that differ by platform.

/**
 * Linux, told by the web view's user agent (WebKitGTK's says "X11; Linux"). There the UI asks
 * for fonts by the desktop's own names only (app.css, `data-platform`): WebKitGTK asks fontconfig
 * for every family of a font stack that is not installed, again for each new size and weight, and
 * the cross-platform stack cost 25-34 ms a new size against 4-9 ms (window benchmark, the first
 * conversation opened after start).
 */
export function isLinuxDesktop(userAgent: string): boolean {
  return /\bLinux\b/.test(userAgent) && !/\bAndroid\b/.test(userAgent);
}
