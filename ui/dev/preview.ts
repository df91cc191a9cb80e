// Dev-only: runs the UI in a plain browser (`npm run dev`, then open /dev/preview.html) with an
// in-memory fake of the Rust commands, so pages can be worked on without building the app.
// Not part of the build: vite builds index.html only. `?state=new|locked|failed` shows the
// start-up screens; the passphrase "correct horse" unlocks.
import { mockIPC } from "@tauri-apps/api/mocks";
import type {
  ApiError,
  RecordDetail,
  RecordFields,
  RecordInput,
  RecordKind,
  SessionStatus,
} from "../src/lib/ipc/bindings";

const DATA_DIR = "/home/recruiter/.local/share/candor";
const now = () => Math.floor(Date.now() / 1000);
const params = new URLSearchParams(window.location.search);

let session: SessionStatus = (() => {
  switch (params.get("state")) {
    case "new":
      return {
        state: "locked",
        data_dir: DATA_DIR,
        new_database: true,
        reason: { code: "keyring_unavailable", message: "No keyring was found.", field: null },
      };
    case "locked":
      return {
        state: "locked",
        data_dir: DATA_DIR,
        new_database: false,
        reason: { code: "passphrase_required", message: "Enter the passphrase.", field: null },
      };
    case "failed":
      return {
        state: "failed",
        data_dir: DATA_DIR,
        error: { code: "newer_schema", message: "This database was written by a newer version of Candor. Update Candor to open it.", field: null },
      };
    default:
      return { state: "ready", data_dir: DATA_DIR, key_source: "keyring" };
  }
})();

const records = new Map<number, RecordDetail>();
let nextId = 1;

function displayName(f: RecordFields): string {
  switch (f.kind) {
    case "candidate":
    case "contact":
      return `${f.first_name} ${f.last_name}`.trim();
    case "client":
      return f.name;
    case "job":
      return f.title;
  }
}

function invalid(field: string, message: string): ApiError {
  return { code: "invalid", field, message };
}

function validate(f: RecordFields): ApiError | null {
  if ((f.kind === "candidate" || f.kind === "contact") && f.first_name === "" && f.last_name === "")
    return invalid("last_name", "Enter a first or last name.");
  if ((f.kind === "candidate" || f.kind === "contact") && f.emails.some((e) => !e.includes("@")))
    return invalid("emails", "An email address needs an @ and a domain, like name@example.com.");
  if (f.kind === "client" && f.name === "") return invalid("name", "Enter the client's name.");
  if (f.kind === "job" && f.title === "") return invalid("title", "Enter the job opening's title.");
  return null;
}

function save(id: number | null, input: RecordInput): RecordDetail {
  const error = validate(input.fields);
  if (error) throw error;
  const existing = id === null ? undefined : records.get(id);
  const f = input.fields;
  const clientId = f.kind === "contact" || f.kind === "job" ? f.client_id : null;
  const contactId = f.kind === "job" ? f.primary_contact_id : null;
  const record: RecordDetail = {
    id: existing?.id ?? nextId++,
    kind: f.kind,
    display_name: displayName(f),
    fields: f,
    notes: input.notes,
    owner_user_id: 1,
    is_imported: false,
    created_at: existing?.created_at ?? now(),
    updated_at: now(),
    client_name: clientId === null ? null : (records.get(clientId)?.display_name ?? null),
    primary_contact_name: contactId === null ? null : (records.get(contactId)?.display_name ?? null),
  };
  records.set(record.id, record);
  return record;
}

function detail(r: RecordDetail): string | null {
  const f = r.fields;
  switch (f.kind) {
    case "candidate":
      return [f.current_title, f.current_employer].filter(Boolean).join(" at ") || null;
    case "contact":
      return [f.job_title, r.client_name].filter(Boolean).join(", ") || null;
    case "client":
      return f.website;
    case "job":
      return r.client_name;
  }
}

const acme = save(null, { fields: { kind: "client", name: "Acme Robotics", website: "acme-robotics.example", phone: "+44 20 7946 0018" }, notes: "" });
save(null, { fields: { kind: "client", name: "Initech", website: null, phone: null }, notes: "" });
const grace = save(null, {
  fields: {
    kind: "contact",
    first_name: "Grace",
    last_name: "Hopper",
    emails: ["grace@acme-robotics.example"],
    phones: [],
    job_title: "VP Engineering",
    client_id: acme.id,
    address: "Acme Robotics Ltd\n12 Canal Street\nManchester M1 3HE",
  },
  notes: "",
});
save(null, {
  fields: { kind: "job", title: "Senior compiler engineer", client_id: acme.id, primary_contact_id: grace.id, status: "open" },
  notes: "Hybrid, London. Relocation offered.\nInterview loop: 3 rounds.",
});
save(null, {
  fields: { kind: "candidate", first_name: "Ada", last_name: "Lovelace", emails: ["ada@example.com", "ada.l@work.example"], phones: ["+44 7700 900123"], current_title: "Analyst", current_employer: "Analytical Engines Ltd" },
  notes: "Met at the conference. Interested in compiler roles.",
});
save(null, {
  fields: { kind: "candidate", first_name: "Wang", last_name: "Fang", emails: ["wang.fang@example.cn"], phones: [], current_title: null, current_employer: null },
  notes: "",
});

function notFound(): ApiError {
  return { code: "not_found", field: null, message: "This record no longer exists. It may have been deleted." };
}

type Args = { [key: string]: unknown };

mockIPC((cmd, payload) => {
  const args = (payload ?? {}) as Args;
  if (cmd !== "session_status" && cmd !== "session_unlock" && session.state !== "ready")
    throw { code: "locked", field: null, message: "Unlock Candor first." } satisfies ApiError;
  switch (cmd) {
    case "session_status":
      return session;
    case "session_unlock":
      if (session.state === "locked" && !session.new_database && args.passphrase !== "correct horse") {
        return { ...session, reason: { code: "wrong_key", field: null, message: "That passphrase does not open this database." } };
      }
      session = { state: "ready", data_dir: DATA_DIR, key_source: "passphrase" };
      return session;
    case "records_list":
      return [...records.values()]
        .filter((r) => r.kind === (args.kind as RecordKind))
        .map((r) => ({ id: r.id, kind: r.kind, display_name: r.display_name, detail: detail(r), updated_at: r.updated_at }));
    case "record_get": {
      const record = records.get(args.id as number);
      if (!record) throw notFound();
      return record;
    }
    case "record_create":
      return save(null, args.input as RecordInput);
    case "record_update":
      if (!records.has(args.id as number)) throw notFound();
      return save(args.id as number, args.input as RecordInput);
    case "record_delete":
      if (!records.delete(args.id as number)) throw notFound();
      return null;
    default:
      throw `${cmd} not allowed`;
  }
});

await import("../src/main");
