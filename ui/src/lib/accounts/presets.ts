// Server settings of the mail providers recruiters use most, so the setup form can fill them in
// from the address. Each provider's own help pages give these; they change rarely.

export type Security = "tls" | "starttls" | "none";
export type Server = { host: string; port: number; security: Security };

export type Preset = {
  id: "gmail" | "outlook" | "zoho" | "yahoo" | "icloud";
  label: string;
  imap: Server;
  pop3: Server | null;
  smtp: Server;
  /** The provider refuses the account's own password for IMAP: an app password is needed. */
  appPassword: boolean;
  /** Signing in with the provider (OAuth) is the better way, when Candor offers it. */
  signIn: "google" | "microsoft" | null;
  domains: readonly string[];
};

export const PRESETS: readonly Preset[] = [
  {
    id: "gmail",
    label: "Gmail",
    imap: { host: "imap.gmail.com", port: 993, security: "tls" },
    pop3: { host: "pop.gmail.com", port: 995, security: "tls" },
    smtp: { host: "smtp.gmail.com", port: 465, security: "tls" },
    appPassword: true,
    signIn: "google",
    domains: ["gmail.com", "googlemail.com"],
  },
  {
    id: "outlook",
    label: "Outlook / Microsoft 365",
    imap: { host: "outlook.office365.com", port: 993, security: "tls" },
    pop3: { host: "outlook.office365.com", port: 995, security: "tls" },
    smtp: { host: "smtp.office365.com", port: 587, security: "starttls" },
    appPassword: false,
    signIn: "microsoft",
    domains: ["outlook.com", "hotmail.com", "live.com", "msn.com"],
  },
  {
    id: "zoho",
    label: "Zoho Mail",
    imap: { host: "imap.zoho.com", port: 993, security: "tls" },
    pop3: { host: "pop.zoho.com", port: 995, security: "tls" },
    smtp: { host: "smtp.zoho.com", port: 465, security: "tls" },
    appPassword: true,
    signIn: null,
    domains: ["zoho.com", "zohomail.com"],
  },
  {
    id: "yahoo",
    label: "Yahoo Mail",
    imap: { host: "imap.mail.yahoo.com", port: 993, security: "tls" },
    pop3: { host: "pop.mail.yahoo.com", port: 995, security: "tls" },
    smtp: { host: "smtp.mail.yahoo.com", port: 465, security: "tls" },
    appPassword: true,
    signIn: null,
    domains: ["yahoo.com", "ymail.com", "rocketmail.com"],
  },
  {
    id: "icloud",
    label: "iCloud Mail",
    imap: { host: "imap.mail.me.com", port: 993, security: "tls" },
    pop3: null,
    smtp: { host: "smtp.mail.me.com", port: 587, security: "starttls" },
    appPassword: true,
    signIn: null,
    domains: ["icloud.com", "me.com", "mac.com"],
  },
];

/** The preset for an address's domain (regional Yahoo and Zoho domains included), if any. */
export function presetForAddress(address: string): Preset | undefined {
  const domain = address.trim().toLowerCase().split("@")[1] ?? "";
  if (domain === "") return undefined;
  return PRESETS.find((p) =>
    p.domains.some(
      (d) => domain === d || (d.startsWith("yahoo.") && domain.startsWith("yahoo.")) || (d === "zoho.com" && domain.startsWith("zoho.")),
    ),
  );
}

/** The usual port of a protocol with a security mode, to follow the user's choice of security. */
export function defaultPort(protocol: "imap" | "pop3" | "smtp", security: Security): number {
  switch (protocol) {
    case "imap":
      return security === "tls" ? 993 : 143;
    case "pop3":
      return security === "tls" ? 995 : 110;
    case "smtp":
      return security === "tls" ? 465 : 587;
  }
}
