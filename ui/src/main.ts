import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { language } from "./lib/i18n";
import { HTML_LANG } from "./lib/i18n/language";
import { isLinuxDesktop } from "./lib/platform";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

// Screen readers, hyphenation and the choice of CJK glyphs all follow the page's language.
document.documentElement.lang = HTML_LANG[language];
// Fonts by the desktop's own names on Linux (app.css), set before the first layout.
if (isLinuxDesktop(navigator.userAgent)) document.documentElement.dataset.platform = "linux";

export default mount(App, { target });
