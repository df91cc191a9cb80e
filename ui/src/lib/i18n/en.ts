// Every string the user can see. Chinese and Polish will be siblings of this file with the same
// shape (the `Messages` type makes a missing key a compile error), so keep sentences whole:
// word order differs between languages, so never build a sentence from fragments.

import type { JobStatus, RecordKind } from "../ipc/bindings";

type KindMessages = {
  singular: string;
  plural: string;
  newButton: string;
  emptyTitle: string;
  emptyBody: string;
  createTitle: string;
  editTitle: (name: string) => string;
  deletePrompt: (name: string) => string;
};

export const en = {
  appName: "Candor",
  nav: {
    label: "Main",
    email: "Email",
    candidates: "Candidates",
    contacts: "Contacts",
    jobs: "Job openings",
    clients: "Clients",
  },
  kinds: {
    candidate: {
      singular: "Candidate",
      plural: "Candidates",
      newButton: "New candidate",
      emptyTitle: "No candidates yet",
      emptyBody: "Add the people you are placing with New candidate.",
      createTitle: "New candidate",
      editTitle: (name) => `Edit ${name}`,
      deletePrompt: (name) => `Delete the candidate ${name}? This cannot be undone.`,
    },
    contact: {
      singular: "Contact",
      plural: "Contacts",
      newButton: "New contact",
      emptyTitle: "No contacts yet",
      emptyBody: "Add hiring managers and other people at your clients with New contact.",
      createTitle: "New contact",
      editTitle: (name) => `Edit ${name}`,
      deletePrompt: (name) => `Delete the contact ${name}? This cannot be undone.`,
    },
    job: {
      singular: "Job opening",
      plural: "Job openings",
      newButton: "New job opening",
      emptyTitle: "No job openings yet",
      emptyBody: "Add the roles you are recruiting for with New job opening.",
      createTitle: "New job opening",
      editTitle: (name) => `Edit ${name}`,
      deletePrompt: (name) => `Delete the job opening ${name}? This cannot be undone.`,
    },
    client: {
      singular: "Client",
      plural: "Clients",
      newButton: "New client",
      emptyTitle: "No clients yet",
      emptyBody: "Add the companies you recruit for with New client.",
      createTitle: "New client",
      editTitle: (name) => `Edit ${name}`,
      deletePrompt: (name) => `Delete the client ${name}? This cannot be undone.`,
    },
  } satisfies { [K in RecordKind]: KindMessages },
  fields: {
    first_name: "First name",
    last_name: "Last name",
    emails: "Email addresses",
    phones: "Phone numbers",
    current_title: "Current title",
    current_employer: "Current employer",
    job_title: "Job title",
    client_id: "Client",
    primary_contact_id: "Primary contact",
    name: "Name",
    website: "Website",
    phone: "Phone",
    title: "Title",
    status: "Status",
    notes: "Notes",
  },
  jobStatus: {
    open: "Open",
    on_hold: "On hold",
    filled: "Filled",
    closed: "Closed",
  } satisfies { [S in JobStatus]: string },
  form: {
    addEmail: "Add another email",
    addPhone: "Add another phone",
    removeEmail: (n: number) => `Remove email ${n}`,
    removePhone: (n: number) => `Remove phone ${n}`,
    none: "None",
    save: "Save",
    saving: "Saving…",
    cancel: "Cancel",
    escHint: "Press Esc to cancel.",
  },
  list: {
    columnName: "Name",
    columnDetail: "Details",
    columnUpdated: "Updated",
    loading: "Loading…",
    count: (n: number) => (n === 1 ? "1 record" : `${n} records`),
  },
  detail: {
    edit: "Edit",
    delete: "Delete",
    confirmDelete: "Delete",
    keep: "Keep",
    deleting: "Deleting…",
    back: (plural: string) => `Back to ${plural}`,
    notSet: "Not set",
    imported: "Imported",
    created: (when: string) => `Created ${when}`,
    updated: (when: string) => `Updated ${when}`,
    loading: "Loading…",
  },
  email: {
    title: "Email",
    emptyTitle: "No mail accounts yet",
    emptyBody: "Adding IMAP, POP3 and Microsoft or Google accounts comes with account setup; your mail will appear here then.",
  },
  notFound: {
    title: "Page not found",
    body: "There is nothing at this address.",
    home: "Go to Email",
  },
  session: {
    opening: "Opening Candor…",
    protectTitle: "Protect your Candor database",
    protectBody:
      "Candor keeps your mail and records in an encrypted database. No keyring was found on this computer to hold its key, so choose a passphrase instead. Candor cannot recover your data without it, so keep it somewhere safe.",
    unlockTitle: "Unlock Candor",
    unlockBody: "Enter the passphrase that protects your Candor database.",
    passphrase: "Passphrase",
    newPassphrase: "New passphrase",
    confirmPassphrase: "Repeat the passphrase",
    passphraseHint: (min: number) => `At least ${min} characters.`,
    protect: "Protect and open",
    unlock: "Unlock",
    unlocking: "Opening…",
    tooShort: (min: number) => `The passphrase must be at least ${min} characters long.`,
    mismatch: "The two passphrases do not match.",
    empty: "Enter your passphrase.",
    failedTitle: "Candor could not open its database",
    dataDir: "Data folder",
    retry: "Try again",
  },
  errors: {
    unexpected: (detail: string) => `Candor's core did not answer as expected: ${detail}`,
    dismiss: "Dismiss",
  },
};

export type Messages = typeof en;
