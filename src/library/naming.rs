//! What a file name or a tag says about its episode: the episode number, the words that identify
//! it, and a readable title. Pure functions, no I/O.

use crate::transcript::fold::fold;

/// What a file name says about its episode.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NameInfo {
    /// The episode number, when the name has one.
    pub number: Option<u32>,
    /// The identifying words, folded (lowercase, no accents, no apostrophes), in order, without
    /// the episode number and any download id.
    pub words: Vec<String>,
}

impl NameInfo {
    /// The words run together: `whats-new` and `what-s-new` give the same slug.
    pub fn joined(&self) -> String {
        self.words.concat()
    }
}

/// The largest number taken as an episode number (larger ones are ids or years).
const MAX_EPISODE_NUMBER: u32 = 99_999;

/// Words too common to identify an episode.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "the", "to", "with", "episode", "ep", "mp3",
];

/// Removes a trailing download id (`Title.8841`, as AntennaPod saves) from a file stem.
pub fn strip_download_id(stem: &str) -> &str {
    if let Some((head, tail)) = stem.rsplit_once('.')
        && !tail.is_empty()
        && tail.bytes().all(|b| b.is_ascii_digit())
        && head.chars().any(char::is_alphabetic)
    {
        return head;
    }
    stem
}

/// True when `stem` is an opaque id (a UUID or a long hex hash) rather than a name.
pub fn is_opaque_id(stem: &str) -> bool {
    let hex = stem.chars().filter(char::is_ascii_hexdigit).count();
    let other = stem
        .chars()
        .filter(|c| !c.is_ascii_hexdigit() && *c != '-')
        .count();
    other == 0 && hex >= 16 && stem.chars().any(|c| c.is_ascii_digit())
}

/// A run of ASCII digits in `s`: where it starts and ends, and its value.
fn digits_at(s: &str, start: usize) -> Option<(usize, u32)> {
    let len = s[start..].bytes().take_while(u8::is_ascii_digit).count();
    if len == 0 || len > 5 {
        return None;
    }
    let value = s[start..start + len].parse().ok()?;
    (value <= MAX_EPISODE_NUMBER).then_some((start + len, value))
}

/// True when `s` (lowercased) starts like a date: `2024-01-31`, `2024_01_31`, `20240131`.
fn starts_with_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let sep = |i: usize| b.get(i).is_some_and(|c| matches!(c, b'-' | b'_' | b'.'));
    let year = (0..4).all(digit) && matches!(&s[..2], "19" | "20");
    year && ((sep(4) && digit(5) && digit(6) && sep(7)) || (4..8).all(digit))
}

/// True when byte `i` of `s` is the end of the name or a separator.
fn boundary_at(s: &str, i: usize) -> bool {
    s.as_bytes()
        .get(i)
        .is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// True when the number ending at byte `end` is followed by a decimal part (`3.13`).
fn has_decimals(s: &str, end: usize) -> bool {
    let b = s.as_bytes();
    b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit)
}

/// The episode number in a name: `#518` anywhere; a number that leads the name (`518-slug`,
/// `000_slug`), not a date; `Episode 518` / `Ep. 518` / `ep518`; or a part of its own between
/// ` - `, `: ` or `|` separators (`Talk Python - 518`).
pub fn episode_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let s = lower.as_str();
    // `#518`
    for (i, _) in s.match_indices('#') {
        let start = i + 1 + s[i + 1..].bytes().take_while(|b| *b == b' ').count();
        if let Some((_, n)) = digits_at(s, start) {
            return Some(n);
        }
    }
    // `518-slug`
    let lead = s.len() - s.trim_start().len();
    if !starts_with_date(&s[lead..])
        && let Some((end, n)) = digits_at(s, lead)
        && boundary_at(s, end)
        && !has_decimals(s, end)
    {
        return Some(n);
    }
    // `Episode 518`, `Ep. 518`, `ep518`
    for word in ["episode", "ep"] {
        for (i, _) in s.match_indices(word) {
            if i > 0 && s.as_bytes()[i - 1].is_ascii_alphanumeric() {
                continue;
            }
            let after = i + word.len();
            let start = after
                + s[after..]
                    .bytes()
                    .take_while(|b| matches!(b, b' ' | b'.' | b'_' | b'-' | b'#'))
                    .count();
            if let Some((end, n)) = digits_at(s, start)
                && boundary_at(s, end)
            {
                return Some(n);
            }
        }
    }
    // `Show - 518 - Title`
    s.split([':', '|'])
        .flat_map(|part| part.split(" - "))
        .flat_map(|part| part.split(" – "))
        .find_map(|part| {
            let part = part.trim();
            digits_at(part, 0).and_then(|(end, n)| (end == part.len()).then_some(n))
        })
}

/// Splits folded text into words: apostrophes vanish (`what's` -> `whats`), anything else that is
/// not a letter or digit separates.
fn words_of(folded: &str) -> Vec<String> {
    folded
        .replace('\'', "")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads a file stem (the name without its extension).
pub fn parse_stem(stem: &str) -> NameInfo {
    let stem = strip_download_id(stem.trim());
    if is_opaque_id(stem) {
        return NameInfo::default();
    }
    let number = episode_number(stem);
    parse_with_number(stem, number)
}

/// Reads a title (an ID3 `TIT2`, a transcript header): its number and words.
pub fn parse_title(title: &str) -> NameInfo {
    parse_with_number(title, episode_number(title))
}

fn parse_with_number(text: &str, number: Option<u32>) -> NameInfo {
    let number_text = number.map(|n| n.to_string());
    let words = words_of(&fold(text))
        .into_iter()
        .filter(|w| {
            // The number itself (with any leading zeros) is not a word of the title.
            let as_number = w.trim_start_matches('0');
            let as_number = if as_number.is_empty() { "0" } else { as_number };
            !(w.bytes().all(|b| b.is_ascii_digit()) && Some(as_number) == number_text.as_deref())
        })
        .collect();
    NameInfo { number, words }
}

/// A file stem made readable: `518-django-birthday` -> "Django birthday",
/// `Talk Python - 518` -> "Talk Python".
pub fn readable_title(stem: &str) -> String {
    let stem = strip_download_id(stem.trim());
    let mut rest = stem.trim_start_matches('#');
    let lead_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if lead_digits > 0 && !starts_with_date(rest) && boundary_at(rest, lead_digits) {
        rest = &rest[lead_digits..];
    }
    let rest = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
    let slug_like = !rest.contains(' ');
    let spaced: String = if slug_like {
        rest.replace(['-', '_'], " ")
    } else {
        rest.to_owned()
    };
    let mut parts: Vec<String> = Vec::new();
    for word in spaced.split_whitespace() {
        // `what-s-new`: the lone `s` was an apostrophe's.
        match parts.last_mut() {
            Some(last) if slug_like && word == "s" => last.push_str("'s"),
            _ => parts.push(word.to_owned()),
        }
    }
    // A trailing number part (`Talk Python - 518`) is the number, not the title.
    if parts.len() > 1
        && let Some(last) = parts.last()
        && last.bytes().all(|b| b.is_ascii_digit())
    {
        parts.pop();
        if parts.last().is_some_and(|p| p == "-") {
            parts.pop();
        }
    }
    let joined = parts.join(" ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) if slug_like => first.to_uppercase().chain(chars).collect(),
        Some(_) => joined,
        None => stem.to_owned(),
    }
}

/// The words that identify a name: without stopwords, single letters and the words in `common`
/// (a show's name that every file carries), a plural or possessive `s` cut (`djangos` ~ `django`).
pub fn distinctive(words: &[String], common: &[String]) -> Vec<String> {
    words
        .iter()
        .filter(|w| w.chars().count() > 1 || w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !STOPWORDS.contains(&w.as_str()) && !common.iter().any(|c| c == *w))
        .map(|w| {
            let cut = w.len() > 3 && w.ends_with('s') && !w.ends_with("ss");
            if cut {
                w[..w.len() - 1].to_owned()
            } else {
                w.clone()
            }
        })
        .collect()
}

/// How alike two names are, from 0 to 1: 1 when their words run together are the same; else the
/// share of the shorter name's words found in the other (a word also matches two neighbours run
/// together: `whats` ~ `what s`). Fewer than two shared words count only when a name has one word.
pub fn similarity(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let joined_len = |w: &[String]| w.iter().map(String::len).sum::<usize>();
    let same_joined = joined_len(a) == joined_len(b)
        && a.iter()
            .flat_map(|w| w.bytes())
            .eq(b.iter().flat_map(|w| w.bytes()));
    if same_joined {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // `w` is a word of `words`, or two neighbours of it run together.
    let found_in = |w: &str, words: &[String]| {
        words.iter().any(|v| v == w)
            || words.windows(2).any(|p| {
                p[0].len() + p[1].len() == w.len() && w.starts_with(&*p[0]) && w.ends_with(&*p[1])
            })
    };
    let mut shared = short.iter().filter(|w| found_in(w, long)).count();
    // `what s` in the short name against `whats` in the long one.
    shared += short
        .windows(2)
        .filter(|p| {
            long.iter().any(|w| {
                p[0].len() + p[1].len() == w.len() && w.starts_with(&*p[0]) && w.ends_with(&*p[1])
            })
        })
        .count()
        * 2;
    let shared = shared.min(short.len());
    let enough = shared >= 2 || (short.len() == 1 && shared == 1 && short[0].len() >= 4);
    if !enough {
        return 0.0;
    }
    shared as f32 / short.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn episode_numbers() {
        let cases: &[(&str, Option<u32>)] = &[
            ("518-django-birthday", Some(518)),
            ("000_tptm_introducing_the_show", Some(0)),
            ("Talk Python - 518", Some(518)),
            ("Talk Python To Me - 518 - Django birthday", Some(518)),
            ("#518: Django's 20th birthday", Some(518)),
            ("Talk Python To Me #518", Some(518)),
            ("Episode 42 - Testing", Some(42)),
            ("ep42-testing", Some(42)),
            ("Ep. 7 Something", Some(7)),
            ("2024-01-31 Weekly news", None),
            ("20240131-weekly", None),
            ("python-3-13-is-here", None),
            ("3.13 is here", None),
            ("django-birthday", None),
            ("deep-dive", None),
            ("1234567-too-long", None),
            ("518", Some(518)),
        ];
        for (name, want) in cases {
            assert_eq!(episode_number(name), *want, "{name}");
        }
    }

    #[test]
    fn stems() {
        let cases: &[(&str, Option<u32>, &[&str])] = &[
            ("518-django-birthday", Some(518), &["django", "birthday"]),
            (
                "#518 Django’s Birthday.8841",
                Some(518),
                &["djangos", "birthday"],
            ),
            (
                "What's new in Python.12345",
                None,
                &["whats", "new", "in", "python"],
            ),
            ("what-s-new", None, &["what", "s", "new"]),
            ("0042_cafe_crème", Some(42), &["cafe", "creme"]),
            ("Talk Python - 518", Some(518), &["talk", "python"]),
            ("3f2504e0-4f89-11d3-9a0c-0305e82c3301", None, &[]),
            ("python-3-13", None, &["python", "3", "13"]),
        ];
        for (stem, number, words) in cases {
            let info = parse_stem(stem);
            assert_eq!(info.number, *number, "{stem}");
            assert_eq!(info.words, *words, "{stem}");
        }
    }

    #[test]
    fn readable_titles() {
        let cases = [
            ("518-django-birthday", "Django birthday"),
            ("000_tptm_introducing_the_show", "Tptm introducing the show"),
            ("Talk Python - 518", "Talk Python"),
            ("Some Title.8841", "Some Title"),
            ("#518 The Title", "The Title"),
            ("2024-01-31-news", "2024 01 31 news"),
            ("518", "518"),
            ("002-what-s-new-in-python", "What's new in python"),
        ];
        for (stem, want) in cases {
            assert_eq!(readable_title(stem), want, "{stem}");
        }
    }

    #[test]
    fn similar_names() {
        let words = |s: &str| parse_stem(s).words;
        let cases: &[(&str, &str, bool)] = &[
            ("whats-new", "what-s-new", true),
            ("whats_new_in_python", "whats-new-in-python", true),
            (
                "pants-build",
                "build-all-the-things-with-pants-build-system",
                true,
            ),
            ("django-birthday", "Django's 20th Birthday", true),
            ("django-birthday", "flask-birthday", false),
            ("temporal", "Temporal durable workflows", true),
            ("django", "flask-tips", false),
            ("", "anything", false),
        ];
        for (a, b, alike) in cases {
            let (wa, wb) = (words(a), words(b));
            let (da, db) = (distinctive(&wa, &[]), distinctive(&wb, &[]));
            let score = similarity(&da, &db);
            assert_eq!(score >= 0.6, *alike, "{a} ~ {b}: {score}");
        }
    }

    #[test]
    fn common_words_do_not_count() {
        let common = vec!["talk".to_owned(), "python".to_owned()];
        let a = parse_stem("Talk Python - Django birthday").words;
        let b = parse_stem("Talk Python - Flask tips").words;
        assert_eq!(
            similarity(&distinctive(&a, &common), &distinctive(&b, &common)),
            0.0
        );
    }
}
