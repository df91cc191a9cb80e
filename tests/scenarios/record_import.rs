//! Importing candidates and contacts from CSV and vCard files through the
//! `candor` binary (PRODUCT.md §6: "import candidates and contacts from CSV
//! and vCard"): columns mapped by their headers, rows that cannot be
//! imported reported with their number and reason while the rest goes in,
//! duplicates by address skipped, files in legacy encodings, a dry run that
//! writes nothing, imports that resume, and mail already stored linked to
//! the new records.

use std::path::{Path, PathBuf};

use candor_tests::{Cli, CliRun};
use serde_json::Value;

fn setup() -> (tempfile::TempDir, Cli) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "scenario passphrase");
    cli.run(&["init"]).ok();
    (tmp, cli)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

fn import(cli: &Cli, args: &[&str], file: &Path) -> CliRun {
    let mut full = vec!["--json", "import"];
    full.extend_from_slice(args);
    full.push(file.to_str().expect("utf-8 path"));
    cli.run(&full)
}

fn list(cli: &Cli, kind: &str) -> Vec<Value> {
    cli.run(&["--json", "record", "list", kind])
        .ok()
        .json()
        .as_array()
        .expect("array")
        .clone()
}

fn show(cli: &Cli, id: i64) -> Value {
    cli.run(&["--json", "record", "show", &id.to_string()])
        .ok()
        .json()
}

fn names(cli: &Cli, kind: &str) -> Vec<String> {
    let mut names: Vec<String> = list(cli, kind)
        .iter()
        .map(|r| r["display_name"].as_str().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    names
}

fn problems(report: &Value) -> Vec<(i64, String, String)> {
    report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().expect("row"),
                p["kind"].as_str().unwrap_or_default().to_owned(),
                p["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn id_of_row(report: &Value, row: i64) -> i64 {
    report["records"]
        .as_array()
        .expect("records")
        .iter()
        .find(|r| r["row"] == row)
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("row {row} was not imported: {report:#}"))
}

fn subjects(cli: &Cli, record: i64) -> Vec<String> {
    cli.run(&["--json", "record", "emails", &record.to_string()])
        .ok()
        .json()
        .as_array()
        .expect("array")
        .iter()
        .map(|t| t["subject"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn default_mapping_imports_marked_records_with_the_mail_already_stored() {
    // A store holding the golden corpus: Anna's and Zofia's mail is already here.
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_imported_corpus(tmp.path());
    let file = write(
        tmp.path(),
        "candidates.csv",
        b"First Name,Last Name,E-mail Address,Email 2,Mobile Phone,Job Title,Company,Notes,Owner,LinkedIn\n\
          Anna,Kowalska,Anna.Kowalska@Example.PL,anna@home.example,+48 600 100 200,Backend Engineer,Firma SA,Met at a meetup,Tom,in/anna\n\
          Zofia,W,zofia.w@gmail.example,,,,,,,\n",
    );

    let run = import(&cli, &["csv", "candidates"], &file).ok();
    let report = run.json();
    assert_eq!(report["imported"], 2, "both rows are valid: {report:#}");
    assert_eq!(report["rows"], 2);
    assert_eq!(report["encoding"], "UTF-8");
    let mapped: Vec<(String, Value)> = report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| {
            (
                c["column"].as_str().unwrap_or_default().to_owned(),
                c["field"].clone(),
            )
        })
        .collect();
    for (column, field) in [
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("E-mail Address", "email"),
        ("Email 2", "email"),
        ("Mobile Phone", "phone"),
        ("Job Title", "title"),
        ("Company", "company"),
        ("Notes", "notes"),
        ("Owner", "owner"),
    ] {
        assert!(
            mapped.contains(&(column.to_owned(), Value::from(field))),
            "common export headers map by default: {column} -> {field} in {mapped:?}"
        );
    }
    assert!(
        mapped.contains(&("LinkedIn".to_owned(), Value::Null)),
        "an unknown column is reported as not imported, not guessed"
    );
    assert!(
        run.stderr.contains("rows done"),
        "progress is reported on stderr as batches commit: {}",
        run.stderr
    );

    let anna = show(&cli, id_of_row(&report, 2));
    assert_eq!(
        anna["is_imported"], true,
        "imported records are marked so Microsoft 365 sync skips them"
    );
    assert_eq!(anna["fields"]["first_name"], "Anna");
    assert_eq!(
        anna["fields"]["emails"],
        serde_json::json!(["Anna.Kowalska@Example.PL", "anna@home.example"]),
        "several address columns give several addresses, the first one primary"
    );
    assert_eq!(
        anna["fields"]["phones"],
        serde_json::json!(["+48 600 100 200"])
    );
    assert_eq!(anna["fields"]["current_title"], "Backend Engineer");
    assert_eq!(anna["fields"]["current_employer"], "Firma SA");
    assert_eq!(
        anna["notes"], "Met at a meetup\nOwner: Tom",
        "the owner is kept in the notes: every record on this desktop is the user's"
    );

    assert_eq!(
        subjects(&cli, anna["id"].as_i64().expect("id")),
        vec!["Call about the backend role"],
        "mail already stored for the address (any case) is on the imported record's page"
    );
    assert_eq!(
        subjects(&cli, id_of_row(&report, 3)),
        vec!["Call about the backend role"]
    );
}

#[test]
fn map_overrides_the_defaults_and_unknown_fields_or_columns_are_refused() {
    let (tmp, cli) = setup();
    let file = write(
        tmp.path(),
        "export.csv",
        b"Kandydat,Adres,Firma,Stanowisko\nPiotr Zielinski,piotr@example.pl,Acme,QA\n",
    );

    let bad_field = import(
        &cli,
        &["csv", "candidates", "--map", "Adres=mailbox"],
        &file,
    );
    assert_eq!(bad_field.status, 1, "an unknown field is refused");
    for field in [
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "notes",
    ] {
        assert!(
            bad_field.stderr.contains(field),
            "the refusal names the valid fields ({field}): {}",
            bad_field.stderr
        );
    }
    let bad_column = import(&cli, &["csv", "candidates", "--map", "Mail=email"], &file);
    assert_eq!(bad_column.status, 1);
    assert!(
        bad_column
            .stderr
            .contains("Kandydat, Adres, Firma, Stanowisko"),
        "an unknown column is refused, listing the file's columns: {}",
        bad_column.stderr
    );
    assert!(
        list(&cli, "candidate").is_empty(),
        "a refused mapping imports nothing"
    );

    let report = import(
        &cli,
        &[
            "csv",
            "candidates",
            "--map",
            "Kandydat=name",
            "--map",
            "adres=email",
            "--map",
            "Firma=ignore",
        ],
        &file,
    )
    .ok()
    .json();
    assert_eq!(report["imported"], 1, "{report:#}");
    let piotr = show(&cli, id_of_row(&report, 2));
    assert_eq!(
        piotr["fields"]["first_name"], "Piotr",
        "a whole name is split"
    );
    assert_eq!(piotr["fields"]["last_name"], "Zielinski");
    assert_eq!(
        piotr["fields"]["emails"],
        serde_json::json!(["piotr@example.pl"]),
        "column names match ignoring case"
    );
    assert_eq!(
        piotr["fields"]["current_employer"],
        Value::Null,
        "--map COLUMN=ignore drops a column the defaults would import"
    );
    assert_eq!(
        piotr["fields"]["current_title"], "QA",
        "columns not overridden keep their default mapping (Stanowisko is Polish for title)"
    );
}

#[test]
fn a_dry_run_reports_everything_and_writes_nothing() {
    let (tmp, cli) = setup();
    let file = write(
        tmp.path(),
        "contacts.csv",
        b"Name,Email,Company\nHanna Lindqvist,hanna@acme.example,Acme Robotics\nBroken Row,not-an-address,Acme Robotics\n",
    );

    let dry = import(&cli, &["csv", "contacts", "--dry-run"], &file)
        .ok()
        .json();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(
        dry["imported"], 1,
        "the dry run counts what would be imported"
    );
    assert_eq!(
        dry["rejected"], 1,
        "and finds the same problems a real run would"
    );
    assert_eq!(dry["clients_created"], serde_json::json!(["Acme Robotics"]));
    assert_eq!(dry["records"], serde_json::json!([]));
    assert!(
        list(&cli, "contact").is_empty(),
        "a dry run creates no record"
    );
    assert!(
        list(&cli, "client").is_empty(),
        "nor the client it would create"
    );

    let real = import(&cli, &["csv", "contacts"], &file).ok().json();
    assert_eq!(
        real["imported"], 1,
        "the dry run left nothing that makes the real run see duplicates"
    );
    let hanna = show(&cli, id_of_row(&real, 2));
    assert_eq!(
        hanna["client_name"], "Acme Robotics",
        "a contact's company becomes its client"
    );
    assert_eq!(names(&cli, "client"), vec!["Acme Robotics"]);
}

#[test]
fn duplicates_in_the_file_and_against_existing_records_are_reported_not_imported() {
    let (tmp, cli) = setup();
    let existing = cli
        .run(&[
            "--json",
            "record",
            "add",
            "candidate",
            "--first-name",
            "Jan",
            "--last-name",
            "Nowak",
            "--email",
            "jan.nowak@example.pl",
        ])
        .ok()
        .json()["id"]
        .as_i64()
        .expect("id");
    // The same address on a contact is no duplicate of a candidate.
    cli.run(&[
        "record",
        "add",
        "contact",
        "--first-name",
        "Ewa",
        "--email",
        "ewa@example.pl",
    ])
    .ok();
    let file = write(
        tmp.path(),
        "candidates.csv",
        b"First Name,Last Name,Email\n\
          Jan,Nowak,JAN.NOWAK@example.pl\n\
          Ewa,Lis,ewa@example.pl\n\
          Olga,Kot,olga@example.pl\n\
          Olga,Kotowska,Olga@Example.pl\n\
          Adam,Bez Adresu,\n\
          Adam,Bez Adresu,\n",
    );

    let report = import(&cli, &["csv", "candidates"], &file).ok().json();
    assert_eq!(report["imported"], 3, "Ewa, Olga and one Adam: {report:#}");
    assert_eq!(report["duplicates"], 3);
    let found = problems(&report);
    assert_eq!(found[0].0, 2);
    assert!(
        found[0].2.contains("JAN.NOWAK@example.pl") && found[0].2.contains(&existing.to_string()),
        "a row whose address (any case) is on an existing candidate names it: {found:?}"
    );
    assert_eq!((found[1].0, found[1].1.as_str()), (5, "duplicate"));
    assert!(
        found[1].2.contains("row 4"),
        "a repeat within the file names the earlier row: {found:?}"
    );
    assert_eq!((found[2].0, found[2].1.as_str()), (7, "duplicate"));
    assert!(
        found[2].2.contains("row 6"),
        "rows without an address repeat by content: {found:?}"
    );
    assert_eq!(
        names(&cli, "candidate"),
        vec!["Adam Bez Adresu", "Ewa Lis", "Jan Nowak", "Olga Kot"]
    );
}

#[test]
fn invalid_rows_are_rejected_with_their_number_and_reason_and_the_rest_imported() {
    let (tmp, cli) = setup();
    let file = write(
        tmp.path(),
        "candidates.csv",
        b"First Name,Last Name,Email,Phone\n\
          Maria,Nowicka,maria@example.pl,+48 22 100 200\n\
          Lena,\"Multi\nLine\",lena@example.pl,not a phone!\n\
          Karol,Zly,karol@@example.pl,\n\
          Short,Row\n\
          ,,,\n\
          ,,,+48 500 000 000\n\
          Piotr,Dobry,piotr@example.pl,\n",
    );

    let report = import(&cli, &["csv", "candidates"], &file).ok().json();
    assert_eq!(report["imported"], 2, "Maria and Piotr: {report:#}");
    assert_eq!(report["rows"], 6, "the blank row is no row to report");
    let found = problems(&report);
    let rejected: Vec<i64> = found.iter().map(|p| p.0).collect();
    assert_eq!(
        rejected,
        vec![3, 4, 5, 7],
        "rows as a spreadsheet numbers them, header row 1"
    );
    assert!(found.iter().all(|p| p.1 == "rejected"));
    assert!(found[0].2.contains("not a phone"), "{}", found[0].2);
    assert!(
        found[1].2.contains("karol@@example.pl"),
        "the invalid address is named: {}",
        found[1].2
    );
    assert!(
        found[2].2.contains("2 fields where the header has 4"),
        "{}",
        found[2].2
    );
    assert!(
        found[3].2.contains("no name and no email"),
        "{}",
        found[3].2
    );
    assert_eq!(
        (
            report["problems"][1]["row"].as_i64(),
            report["problems"][1]["line"].as_i64()
        ),
        (Some(4), Some(5)),
        "after a quoted value spanning two lines, rows and lines part: both are reported"
    );
    assert_eq!(
        names(&cli, "candidate"),
        vec!["Maria Nowicka", "Piotr Dobry"]
    );
}

/// "Łukasz Wąsik" and "Małgorzata Żółć" in windows-1250, as Polish Excel
/// saves CSV: semicolons, no byte-order mark.
const CP1250_ROWS: &[u8] = b"\xa3ukasz;W\xb9sik;lukasz@example.pl\r\n\
    Jan;Kos;jan.kos@example.pl\r\n\
    Ma\xb3gorzata;\xaf\xf3\xb3\xe6;malgorzata@example.pl\r\n";

#[test]
fn a_windows_1250_file_imports_with_its_encoding_and_is_rejected_row_by_row_without_it() {
    let (tmp, cli) = setup();
    let mut bytes = b"First Name;Last Name;Email\r\n".to_vec();
    bytes.extend_from_slice(CP1250_ROWS);
    let file = write(tmp.path(), "polish.csv", &bytes);

    let without = import(&cli, &["csv", "candidates"], &file).ok().json();
    assert_eq!(
        without["imported"], 1,
        "the plain-ASCII row is valid UTF-8: {without:#}"
    );
    let found = problems(&without);
    assert_eq!(found.iter().map(|p| p.0).collect::<Vec<_>>(), vec![2, 4]);
    assert!(
        found
            .iter()
            .all(|p| p.2.contains("UTF-8") && p.2.contains("--encoding")),
        "a row not valid in the assumed encoding says so and how to fix it: {found:?}"
    );
    assert_eq!(
        names(&cli, "candidate"),
        vec!["Jan Kos"],
        "no mangled names are stored"
    );

    let with = import(
        &cli,
        &["csv", "candidates", "--encoding", "windows-1250"],
        &file,
    )
    .ok()
    .json();
    assert_eq!(with["encoding"], "windows-1250");
    assert_eq!(with["imported"], 2, "{with:#}");
    assert_eq!(
        with["duplicates"], 1,
        "Jan from the first run is not imported twice"
    );
    assert_eq!(
        names(&cli, "candidate"),
        vec!["Jan Kos", "Małgorzata Żółć", "Łukasz Wąsik"],
        "Polish letters come through intact"
    );

    // A header in windows-1250 ("Imię") cannot be read as UTF-8: nothing can
    // be mapped, so the import stops before writing anything.
    let mut polish_header = b"Imi\xea;Nazwisko;E-mail\r\n".to_vec();
    polish_header.extend_from_slice(CP1250_ROWS);
    let header_file = write(tmp.path(), "polish-header.csv", &polish_header);
    let (tmp2, fresh) = setup();
    let refused = import(&fresh, &["csv", "contacts"], &header_file);
    assert_eq!(refused.status, 1);
    assert!(refused.stderr.contains("--encoding"), "{}", refused.stderr);
    assert!(list(&fresh, "contact").is_empty());
    let ok = import(
        &fresh,
        &["csv", "contacts", "--encoding", "cp1250"],
        &header_file,
    )
    .ok()
    .json();
    assert_eq!(
        ok["imported"], 3,
        "Imię and Nazwisko map by default: {ok:#}"
    );
    drop(tmp2);
}

#[test]
fn a_utf8_byte_order_mark_is_not_part_of_the_first_column() {
    let (tmp, cli) = setup();
    let file = write(
        tmp.path(),
        "excel-utf8.csv",
        "\u{feff}First Name,Last Name,Email\r\nZoë,Łęcka,zoe@example.pl\r\n".as_bytes(),
    );
    let report = import(
        &cli,
        &["csv", "candidates", "--map", "First Name=first_name"],
        &file,
    )
    .ok()
    .json();
    assert_eq!(
        report["columns"][0]["column"], "First Name",
        "Excel's \"CSV UTF-8\" starts with a byte-order mark that must not stick to the header"
    );
    assert_eq!(report["encoding"], "UTF-8");
    assert_eq!(names(&cli, "candidate"), vec!["Zoë Łęcka"]);
}

#[test]
fn a_file_without_name_or_email_columns_is_refused_before_anything_is_imported() {
    let (tmp, cli) = setup();
    let file = write(
        tmp.path(),
        "phones.csv",
        b"Phone,Company\n+48 600 000 001,Acme\n",
    );
    let run = import(&cli, &["csv", "contacts"], &file);
    assert_eq!(run.status, 1, "nothing could make a record");
    let error: Value = serde_json::from_str(run.stderr.trim()).expect("a JSON error with --json");
    let message = error["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("no name or email column") && message.contains("Phone, Company"),
        "the error names the problem and the file's columns: {message}"
    );
    assert!(list(&cli, "contact").is_empty());
    assert!(list(&cli, "client").is_empty());
}

#[test]
fn running_a_grown_file_again_imports_only_the_new_rows() {
    // What an import that stopped half-way leaves behind is whole batches;
    // running it again must import just the rest. Here the first run imports
    // the head of the file, and the second run gets the whole file.
    let (tmp, cli) = setup();
    let head = b"Name,Email,Notes\n\
        Anna Kowalska,anna@example.pl,\n\
        Bez Adresu,,called on Monday\n"
        .to_vec();
    let mut whole = head.clone();
    whole.extend_from_slice(b"Cezary Nowy,cezary@example.pl,\nDrugi Bez Adresu,,\n");
    let head_file = write(tmp.path(), "head.csv", &head);
    let whole_file = write(tmp.path(), "whole.csv", &whole);

    let first = import(&cli, &["csv", "candidates"], &head_file).ok().json();
    assert_eq!(first["imported"], 2);
    let second = import(&cli, &["csv", "candidates"], &whole_file)
        .ok()
        .json();
    assert_eq!(second["imported"], 2, "only the two new rows: {second:#}");
    let found = problems(&second);
    assert_eq!(found.iter().map(|p| p.0).collect::<Vec<_>>(), vec![2, 3]);
    assert!(
        found[1].2.contains("already imported"),
        "a row without an address is recognised by the import ledger, not imported twice: {found:?}"
    );
    assert_eq!(list(&cli, "candidate").len(), 4);

    // The ledger follows the records: a deleted record can be imported again.
    let bez = id_of_row(&first, 3);
    cli.run(&["record", "delete", &bez.to_string()]).ok();
    let third = import(&cli, &["csv", "candidates"], &whole_file)
        .ok()
        .json();
    assert_eq!(third["imported"], 1, "{third:#}");
    assert_eq!(list(&cli, "candidate").len(), 4);
}

/// A vCard 3.0 card (folded NOTE and FN, two addresses, escapes) and a 4.0
/// card (tel: URI, folded EMAIL), as phones and Outlook export them. Fold
/// spaces are written `\x20`: a `\` line continuation in a Rust string
/// swallows the next line's leading spaces.
const VCARDS: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
N:Wang;Lei;;;\r\n\
FN:Wang\r\n\x20\x20Lei\r\n\
ORG:Client Co;Engineering\r\n\
TITLE:Head of Engineering\\, Backend\r\n\
EMAIL;TYPE=INTERNET,WORK:wang@client.example.cn\r\n\
EMAIL;TYPE=INTERNET,HOME:lei.wang@home.example\r\n\
TEL;TYPE=CELL:+86 138 0000 0000\r\n\
NOTE:Prefers calls after 3pm\\; speaks English and Mandarin. This note is lo\r\n\
\x20ng enough to be folded.\r\n\
END:VCARD\r\n\
BEGIN:VCARD\r\n\
VERSION:4.0\r\n\
FN:Hanna Lindqvist\r\n\
EMAIL;TYPE=work:hanna@acme.exa\r\n\tmple\r\n\
EMAIL;TYPE=home:hanna.l@home.example\r\n\
TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+46-70-123-45-67\r\n\
END:VCARD\r\n";

#[test]
fn vcards_3_and_4_import_with_folded_lines_and_several_addresses() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_imported_corpus(tmp.path());
    let file = write(tmp.path(), "contacts.vcf", VCARDS.as_bytes());

    let report = import(&cli, &["vcard"], &file).ok().json();
    assert_eq!(
        report["kind"], "contact",
        "a vCard becomes a contact unless --as says otherwise"
    );
    assert_eq!(report["imported"], 2, "{report:#}");
    assert_eq!(report["clients_created"], serde_json::json!(["Client Co"]));

    let wang = show(&cli, id_of_row(&report, 1));
    assert_eq!(wang["is_imported"], true);
    assert_eq!(
        (
            wang["fields"]["first_name"].as_str(),
            wang["fields"]["last_name"].as_str()
        ),
        (Some("Lei"), Some("Wang"))
    );
    assert_eq!(
        wang["fields"]["emails"],
        serde_json::json!(["wang@client.example.cn", "lei.wang@home.example"]),
        "every EMAIL of the card, in order"
    );
    assert_eq!(
        wang["fields"]["job_title"], "Head of Engineering, Backend",
        "escaped comma resolved"
    );
    assert_eq!(
        wang["client_name"], "Client Co",
        "ORG's first component is the company"
    );
    assert_eq!(
        wang["notes"],
        "Prefers calls after 3pm; speaks English and Mandarin. This note is long enough to be folded.",
        "a folded line is unfolded and escapes resolved"
    );
    assert_eq!(
        subjects(&cli, wang["id"].as_i64().expect("id")),
        vec!["候选人简历：李明（高级后端工程师）"],
        "the contact's stored mail is on the imported record"
    );

    let hanna = show(&cli, id_of_row(&report, 2));
    assert_eq!(
        (
            hanna["fields"]["first_name"].as_str(),
            hanna["fields"]["last_name"].as_str()
        ),
        (Some("Hanna"), Some("Lindqvist")),
        "a card with FN and no N gets its name split"
    );
    assert_eq!(
        hanna["fields"]["emails"],
        serde_json::json!(["hanna@acme.example", "hanna.l@home.example"]),
        "a line folded with a tab mid-address is joined again"
    );
    assert_eq!(
        hanna["fields"]["phones"],
        serde_json::json!(["+46-70-123-45-67"]),
        "a tel: URI is a number"
    );

    // The same cards as candidates: another kind, so no duplicates.
    let candidates = import(&cli, &["vcard", "--as", "candidates"], &file)
        .ok()
        .json();
    assert_eq!(candidates["imported"], 2, "{candidates:#}");
    let wang_candidate = show(&cli, id_of_row(&candidates, 1));
    assert_eq!(wang_candidate["fields"]["current_employer"], "Client Co");
    // And again: nothing new.
    let again = import(&cli, &["vcard", "--as", "candidates"], &file)
        .ok()
        .json();
    assert_eq!(
        (again["imported"].as_i64(), again["duplicates"].as_i64()),
        (Some(0), Some(2))
    );
}

#[test]
fn the_import_help_lists_mail_and_record_imports() {
    let (_tmp, cli) = setup();
    let help = cli.run(&["import", "--help"]).ok();
    for word in ["mbox", "eml", "csv", "vcard"] {
        assert!(
            help.stdout.contains(word),
            "`candor import --help` lists {word}:\n{}",
            help.stdout
        );
    }
    let csv_help = cli.run(&["import", "csv", "--help"]).ok();
    for flag in ["--map", "--encoding", "--dry-run", "candidates", "contacts"] {
        assert!(
            csv_help.stdout.contains(flag),
            "{flag}:\n{}",
            csv_help.stdout
        );
    }
}

#[test]
fn a_large_file_is_committed_in_batches_with_progress_on_stderr() {
    // One transaction per 500 rows keeps a crash from leaving half a batch,
    // and each commit is reported so a long import visibly moves.
    let (tmp, cli) = setup();
    let mut csv = String::from("First Name,Last Name,Email\n");
    for i in 1..=1100 {
        csv.push_str(&format!("Person,Number {i},person{i}@example.com\n"));
    }
    let file = write(tmp.path(), "many.csv", csv.as_bytes());

    let run = import(&cli, &["csv", "candidates"], &file).ok();
    assert_eq!(run.json()["imported"], 1100);
    let progress: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("rows done"))
        .collect();
    assert_eq!(
        progress,
        vec![
            "500 of 1100 rows done, 500 records imported...",
            "1000 of 1100 rows done, 1000 records imported...",
            "1100 of 1100 rows done, 1100 records imported...",
        ],
        "one progress line per committed batch"
    );
    assert_eq!(list(&cli, "candidate").len(), 1100);
}
