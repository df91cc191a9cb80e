import { describe, expect, it } from "vitest";
import { defaultPort, presetForAddress } from "./presets";

describe("presets", () => {
  it("recognises a provider from the address, regional domains too", () => {
    expect(presetForAddress("anna@gmail.com")?.id).toBe("gmail");
    expect(presetForAddress(" Anna@GoogleMail.com ")?.id).toBe("gmail");
    expect(presetForAddress("anna@hotmail.com")?.signIn).toBe("microsoft");
    expect(presetForAddress("anna@yahoo.co.uk")?.id).toBe("yahoo");
    expect(presetForAddress("anna@zoho.eu")?.id).toBe("zoho");
    expect(presetForAddress("anna@me.com")?.pop3).toBeNull();
    expect(presetForAddress("anna@agency.example")).toBeUndefined();
    expect(presetForAddress("not an address")).toBeUndefined();
  });

  it("says which providers need an app password", () => {
    expect(presetForAddress("a@icloud.com")?.appPassword).toBe(true);
    expect(presetForAddress("a@outlook.com")?.appPassword).toBe(false);
  });

  it("follows the security choice with the usual port", () => {
    expect(defaultPort("imap", "tls")).toBe(993);
    expect(defaultPort("imap", "starttls")).toBe(143);
    expect(defaultPort("pop3", "tls")).toBe(995);
    expect(defaultPort("smtp", "starttls")).toBe(587);
    expect(defaultPort("smtp", "tls")).toBe(465);
  });
});
