// One place to switch the UI language once zh-CN and pl exist; pages import `t` from here.
import { en, type Messages } from "./en";

export type { Messages };
export const t: Messages = en;
