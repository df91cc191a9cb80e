// The only module that talks to the generated bindings. bindings.ts is regenerated from the Rust
// commands and returns `Result` values; components want plain values and one error type, so
// this layer unwraps and normalises. When a command is added in Rust, add one line here.

import { Channel } from "@tauri-apps/api/core";
import { commands, events } from "./bindings";
import type {
  CalendarEvent,
  CalendarSyncReport,
  ContactFields,
  ContactsReport,
  EventInput,
  GraphSyncActivity,
  GraphSyncStatus,
  IcsImportReport,
  MappingEntry,
  Invitation,
  OutboxEntry,
  AccountSetup,
  AddressSuggestion,
  ApiError,
  ConnectionReport,
  CandidateJob,
  ColumnMapping,
  ComposeInput,
  ComposeResult,
  Draft,
  DraftFields,
  ErrorCode,
  ImportFile,
  ImportRequest,
  MailAccount,
  MessageBody,
  PipelineEntry,
  PipelineStage,
  RecordDetail,
  RecordImportProgress,
  RecordImportReport,
  RecordInput,
  RecordKind,
  RecordPage,
  RecordQuery,
  RecordSummary,
  ReplyPrefill,
  Rendered,
  Result,
  SendingAccount,
  SendOutcome,
  SessionStatus,
  SharedAddress,
  SyncActivity,
  Template,
  ThreadDetail,
  ThreadListQuery,
  ThreadPage,
  ThreadSummary,
} from "./bindings";
import { t } from "../i18n";

export type {
  ApiError,
  CandidateJob,
  ColumnMapping,
  ErrorCode,
  ImportField,
  ImportFile,
  ImportFormat,
  ImportRequest,
  ProblemKind,
  RecordImportProgress,
  RecordImportReport,
  RowProblem,
  PipelineEntry,
  PipelineStage,
  RecordDetail,
  RecordFields,
  RecordInput,
  RecordKind,
  RecordSummary,
  JobStatus,
  RecordPage,
  RecordQuery,
  RecordSort,
  SessionStatus,
  ComposeAttachment,
  ComposeInput,
  ComposeResult,
  Draft,
  DraftFields,
  MessageView,
  ReplyPrefill,
  Rendered,
  SendingAccount,
  SharedAddress,
  Template,
  ThreadDetail,
  ThreadSummary,
  AccountSetup,
  AddressSuggestion,
  AttachmentInfo,
  Invitation,
  OutboxEntry,
  ConnectionProblem,
  ConnectionReport,
  ConnectionProblemKind,
  FolderOverview,
  MailAccount,
  MessageBody,
  SyncActivity,
  SyncPhase,
  CalendarEvent,
  CalendarSyncReport,
  ContactFields,
  ContactsReport,
  EventAttendee,
  EventInput,
  GraphConflict,
  GraphResource,
  GraphSyncActivity,
  GraphSyncStatus,
  IcsImportReport,
  IcsSkipped,
  MappingEntry,
  ThreadCursor,
  ThreadListQuery,
  ThreadPage,
} from "./bindings";

/** Codes from the core, plus one for failures that never reached it (IPC down, permission denied). */
export type FailureCode = ErrorCode | "unexpected";

/** The one error type the UI sees from a command, whatever went wrong underneath. */
export class ApiFailure extends Error {
  readonly code: FailureCode;
  /** The RecordFields field the message is about, for `invalid`; null otherwise. */
  readonly field: string | null;

  constructor(code: FailureCode, message: string, field: string | null = null, options?: ErrorOptions) {
    super(message, options);
    this.name = "ApiFailure";
    this.code = code;
    this.field = field;
  }
}

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { [key: string]: unknown };
  return (
    typeof v.code === "string" &&
    typeof v.message === "string" &&
    (v.field === null || v.field === undefined || typeof v.field === "string")
  );
}

/**
 * Turns whatever a command rejected with into an ApiFailure. Tauri itself rejects with a bare
 * string when the command is unknown or not allowed by the capability, and invoke throws a
 * TypeError when the page runs outside the app; neither is an ApiError.
 */
export function toFailure(reason: unknown): ApiFailure {
  if (reason instanceof ApiFailure) return reason;
  if (isApiError(reason)) {
    return new ApiFailure(reason.code, reason.message, reason.field ?? null);
  }
  const detail =
    reason instanceof Error ? reason.message : typeof reason === "string" ? reason : JSON.stringify(reason);
  return new ApiFailure("unexpected", t.errors.unexpected(detail ?? String(reason)), null, { cause: reason });
}

export async function unwrap<T>(call: () => Promise<Result<T, ApiError>>): Promise<T> {
  let result: Result<T, ApiError>;
  try {
    result = await call();
  } catch (thrown) {
    throw toFailure(thrown);
  }
  if (result.status === "ok") return result.data;
  throw toFailure(result.error);
}

export const api = {
  sessionStatus: (): Promise<SessionStatus> => unwrap(() => commands.sessionStatus()),
  unlock: (passphrase: string): Promise<SessionStatus> => unwrap(() => commands.sessionUnlock(passphrase)),
  listRecords: (kind: RecordKind): Promise<RecordSummary[]> => unwrap(() => commands.recordsList(kind)),
  searchRecords: (kind: RecordKind, query: RecordQuery): Promise<RecordPage> =>
    unwrap(() => commands.recordsSearch(kind, query)),
  getRecord: (id: number): Promise<RecordDetail> => unwrap(() => commands.recordGet(id)),
  createRecord: (input: RecordInput): Promise<RecordDetail> => unwrap(() => commands.recordCreate(input)),
  updateRecord: (id: number, input: RecordInput): Promise<RecordDetail> =>
    unwrap(() => commands.recordUpdate(id, input)),
  deleteRecord: async (id: number): Promise<void> => {
    await unwrap(() => commands.recordDelete(id));
  },
  recordEmails: (id: number): Promise<ThreadSummary[]> => unwrap(() => commands.recordEmails(id)),
  sharedAddresses: (id: number): Promise<SharedAddress[]> => unwrap(() => commands.recordSharedAddresses(id)),
  recordsForAddresses: (addresses: string[]): Promise<SharedAddress[]> =>
    unwrap(() => commands.recordsForAddresses(addresses)),
  recordFromSender: (messageId: number, kind: RecordKind): Promise<RecordDetail> =>
    unwrap(() => commands.recordFromSender(messageId, kind)),
  unlinkMessage: async (messageId: number, recordId: number): Promise<void> => {
    await unwrap(() => commands.recordUnlink(messageId, recordId));
  },
  getThread: (id: number): Promise<ThreadDetail> => unwrap(() => commands.threadGet(id)),
  sendingAccounts: (): Promise<SendingAccount[]> => unwrap(() => commands.sendingAccounts()),
  listTemplates: (): Promise<Template[]> => unwrap(() => commands.templatesList()),
  renderTemplate: (name: string, recordId: number): Promise<Rendered> =>
    unwrap(() => commands.templateRender(name, recordId)),
  replyPrefill: (messageId: number, replyAll: boolean): Promise<ReplyPrefill> =>
    unwrap(() => commands.replyPrefill(messageId, replyAll)),
  send: (input: ComposeInput): Promise<ComposeResult> => unwrap(() => commands.messageSend(input)),
  cancelOutgoing: async (id: number): Promise<void> => {
    await unwrap(() => commands.outboxCancel(id));
  },
  sendDue: (): Promise<SendOutcome[]> => unwrap(() => commands.outboxSendDue()),
  outbox: (): Promise<OutboxEntry[]> => unwrap(() => commands.outboxList()),
  /** Everything waiting, now: also what was written for later or waits for a retry. */
  sendAllNow: (): Promise<SendOutcome[]> => unwrap(() => commands.outboxSendAll()),
  saveDraft: (context: string, fields: DraftFields): Promise<number> =>
    unwrap(() => commands.draftSave(context, fields)),
  getDraft: (context: string): Promise<Draft | null> => unwrap(() => commands.draftGet(context)),
  discardDraft: async (context: string): Promise<void> => {
    await unwrap(() => commands.draftDiscard(context));
  },
  jobPipeline: (jobId: number): Promise<PipelineEntry[]> => unwrap(() => commands.pipelineList(jobId)),
  addToPipeline: (jobId: number, candidateId: number, stage: PipelineStage | null): Promise<PipelineEntry> =>
    unwrap(() => commands.pipelineAdd(jobId, candidateId, stage)),
  setPipelineStage: (jobId: number, candidateId: number, stage: PipelineStage): Promise<PipelineEntry> =>
    unwrap(() => commands.pipelineSetStage(jobId, candidateId, stage)),
  removeFromPipeline: async (jobId: number, candidateId: number): Promise<void> => {
    await unwrap(() => commands.pipelineRemove(jobId, candidateId));
  },
  candidateJobs: (candidateId: number): Promise<CandidateJob[]> => unwrap(() => commands.candidateJobs(candidateId)),
  importColumns: (file: ImportFile, encoding: string | null): Promise<ColumnMapping[]> =>
    unwrap(() => commands.recordsImportColumns(file, encoding)),
  previewImport: (request: ImportRequest): Promise<RecordImportReport> =>
    unwrap(() => commands.recordsImportPreview(request)),
  /** Imports for real; `onprogress` hears rows done of the total as each batch is stored. */
  importRecords: (
    request: ImportRequest,
    onprogress: (progress: RecordImportProgress) => void,
  ): Promise<RecordImportReport> => {
    const channel = new Channel<RecordImportProgress>();
    channel.onmessage = onprogress;
    return unwrap(() => commands.recordsImport(request, channel));
  },
  /** Stops the running import after the rows being stored; what is stored stays. */
  cancelImport: async (): Promise<void> => {
    await unwrap(() => commands.recordsImportCancel());
  },
  addressSuggestions: (typed: string): Promise<AddressSuggestion[]> => unwrap(() => commands.addressSuggestions(typed)),
  mailAccounts: (): Promise<MailAccount[]> => unwrap(() => commands.mailAccounts()),
  mailThreads: (query: ThreadListQuery): Promise<ThreadPage> => unwrap(() => commands.mailThreads(query)),
  searchMail: (query: string): Promise<ThreadSummary[]> => unwrap(() => commands.mailSearch(query)),
  /** Read and/or flagged state of messages; null leaves that state as it is. */
  markMail: (messageIds: number[], seen: boolean | null, flagged: boolean | null): Promise<number> =>
    unwrap(() => commands.mailMark(messageIds, seen, flagged)),
  /** To a folder by role ("archive") or name, in each message's own account. */
  moveMail: (messageIds: number[], folder: string): Promise<number> =>
    unwrap(() => commands.mailMove(messageIds, folder)),
  /** To the Archive folder, or All Mail at Gmail. */
  archiveMail: (messageIds: number[]): Promise<number> => unwrap(() => commands.mailArchive(messageIds)),
  deleteMail: (messageIds: number[]): Promise<number> => unwrap(() => commands.mailDelete(messageIds)),
  splitThread: (messageId: number): Promise<ThreadDetail> => unwrap(() => commands.threadSplit(messageId)),
  mergeThreads: (threadIds: number[]): Promise<ThreadDetail> => unwrap(() => commands.threadMerge(threadIds)),
  /** Adds an account; a password account comes back checked (null: signed in with the provider). */
  addAccount: (setup: AccountSetup): Promise<ConnectionReport | null> => unwrap(() => commands.accountAdd(setup)),
  /** Disconnects: the keyring entry goes; the mail stays here as a local account, or not. */
  removeAccount: async (name: string, keepMail: boolean): Promise<void> => {
    await unwrap(() => commands.accountRemove(name, keepMail));
  },
  setSignature: async (name: string, text: string): Promise<void> => {
    await unwrap(() => commands.accountSetSignature(name, text));
  },
  /** Logs in to the account's servers and says what is wrong, if anything. */
  testAccount: (name: string): Promise<ConnectionReport> => unwrap(() => commands.accountTest(name)),
  setAccountPassword: async (name: string, password: string): Promise<void> => {
    await unwrap(() => commands.accountSetPassword(name, password));
  },
  trustCertificate: async (name: string, certificatePem: string): Promise<void> => {
    await unwrap(() => commands.accountTrustCertificate(name, certificatePem));
  },
  /** Opens the provider's sign-in page and resolves once the user has signed in there. */
  signIn: async (name: string): Promise<void> => {
    await unwrap(() => commands.accountSignIn(name));
  },
  syncNow: async (): Promise<void> => {
    await unwrap(() => commands.syncNow());
  },
  /** Saves into the Downloads folder; returns the file's path. */
  saveAttachment: (messageId: number, position: number): Promise<string> =>
    unwrap(() => commands.attachmentSave(messageId, position)),
  openAttachment: async (messageId: number, position: number): Promise<void> => {
    await unwrap(() => commands.attachmentOpen(messageId, position));
  },
  openLink: async (url: string): Promise<void> => {
    await unwrap(() => commands.linkOpen(url));
  },
  invitation: (messageId: number, position: number): Promise<Invitation> =>
    unwrap(() => commands.invitationGet(messageId, position)),
  messageBody: (messageId: number, loadRemote: boolean): Promise<MessageBody> =>
    unwrap(() => commands.messageBody(messageId, loadRemote)),
  allowRemoteFrom: async (address: string): Promise<void> => {
    await unwrap(() => commands.remoteAllowSender(address));
  },

  // Calendar and interviews. Times are Unix seconds (UTC); `time_zone` is the IANA zone the
  // event was made in. `from`/`to` select events overlapping [from, to).
  calendarEvents: (from: number, to: number): Promise<CalendarEvent[]> =>
    unwrap(() => commands.calendarEvents(from, to)),
  /** Every event linked to a candidate or a job opening, by start time. */
  recordEvents: (recordId: number): Promise<CalendarEvent[]> => unwrap(() => commands.recordEvents(recordId)),
  calendarEvent: (id: number): Promise<CalendarEvent> => unwrap(() => commands.calendarEventGet(id)),
  createEvent: (input: EventInput): Promise<CalendarEvent> => unwrap(() => commands.calendarEventCreate(input)),
  updateEvent: (id: number, input: EventInput): Promise<CalendarEvent> =>
    unwrap(() => commands.calendarEventUpdate(id, input)),
  deleteEvent: async (id: number): Promise<void> => {
    await unwrap(() => commands.calendarEventDelete(id));
  },
  /** Imports an .ics file's text: events marked imported (never synced); a re-import updates them. */
  importIcs: (text: string): Promise<IcsImportReport> =>
    unwrap(() => commands.calendarImportIcs(text, Intl.DateTimeFormat().resolvedOptions().timeZone)),

  // Microsoft 365 sync of the dedicated calendar and contacts folder. `account` names the
  // Microsoft account (an account whose auth_kind is "oauth_microsoft"); null when there is one.
  calendarSyncStatus: (): Promise<GraphSyncStatus> => unwrap(() => commands.calendarSyncStatus()),
  enableCalendarSync: (account: string | null): Promise<CalendarSyncReport> =>
    unwrap(() => commands.calendarSyncEnable(account)),
  disableCalendarSync: (): Promise<GraphSyncStatus> => unwrap(() => commands.calendarSyncDisable()),
  syncCalendarNow: (): Promise<CalendarSyncReport> => unwrap(() => commands.calendarSyncNow()),
  contactsSyncStatus: (): Promise<GraphSyncStatus> => unwrap(() => commands.contactsSyncStatus()),
  enableContactsSync: (account: string | null): Promise<ContactsReport> =>
    unwrap(() => commands.contactsSyncEnable(account)),
  disableContactsSync: (): Promise<GraphSyncStatus> => unwrap(() => commands.contactsSyncDisable()),
  syncContactsNow: (): Promise<ContactsReport> => unwrap(() => commands.contactsSyncNow()),
  contactsMapping: (): Promise<MappingEntry[]> => unwrap(() => commands.contactsSyncMapping()),
  /** An empty list restores the default mapping. */
  setContactsMapping: (entries: MappingEntry[]): Promise<MappingEntry[]> =>
    unwrap(() => commands.contactsSyncSetMapping(entries)),
  /** The fields the mapping can pair: Microsoft contact fields and Candor contact fields. */
  contactsFields: (): Promise<ContactFields> => unwrap(() => commands.contactsSyncFields()),
};

/** Calls `handler` when the background Microsoft 365 sync of the calendar or contacts runs. */
export async function onGraphSyncActivity(handler: (activity: GraphSyncActivity) => void): Promise<() => void> {
  return await events.graphSyncActivity.listen((event) => handler(event.payload));
}

/** Calls `handler` with each account's sync progress; resolves to the function that stops it. */
export async function onSyncActivity(handler: (activity: SyncActivity) => void): Promise<() => void> {
  // async: a failure to listen (outside the app window) is a rejection, never a throw.
  return await events.syncActivity.listen((event) => handler(event.payload));
}

/** The message to show for any error caught in a page, ApiFailure or not. */
export function messageOf(error: unknown): string {
  return toFailure(error).message;
}
