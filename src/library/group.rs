//! Grouping a library's files into episodes and pairing each with its audio, from names alone
//! (and the audio's tag title). Pure: paths in, groups out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::naming::{self, NameInfo};

/// How an episode's audio was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PairedBy {
    /// The audio and a transcript share a file name.
    SameName,
    /// The only audio in the folder of the episode's transcripts.
    SameFolder,
    /// The same episode number.
    Number,
    /// Alike titles or slugs.
    Title,
    /// The listener chose it.
    Chosen,
}

impl PairedBy {
    /// How people would say it.
    pub fn describe(self) -> &'static str {
        match self {
            PairedBy::SameName => "same name",
            PairedBy::SameFolder => "same folder",
            PairedBy::Number => "episode number",
            PairedBy::Title => "title",
            PairedBy::Chosen => "chosen by you",
        }
    }
}

/// An audio file to pair, with the title its tag gives when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioName {
    /// The file.
    pub path: PathBuf,
    /// Its ID3 `TIT2`, when read.
    pub tag_title: Option<String>,
}

/// One episode's files, before any is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The episode's key: its number, else its slug.
    pub key: String,
    /// The episode number.
    pub number: Option<u32>,
    /// The name each of its files is known by (its stem, or its folder's name), for a title made
    /// from it.
    pub names: Vec<(PathBuf, String)>,
    /// The transcripts, in path order.
    pub transcripts: Vec<PathBuf>,
    /// The audio.
    pub audio: Option<PathBuf>,
    /// How the audio was found.
    pub paired_by: Option<PairedBy>,
    /// Other audio files that claim the same episode.
    pub extra_audio: Vec<PathBuf>,
    /// The listener said this episode has no audio.
    pub no_audio_chosen: bool,
}

/// The lowest score at which two titles are taken to name one episode.
const TITLE_MATCH: f32 = 0.6;

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Words that more than half of the names carry (a show's name), when there are enough names to tell.
fn common_words(names: &[&NameInfo]) -> Vec<String> {
    if names.len() < 4 {
        return Vec::new();
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for name in names {
        let mut seen: Vec<&str> = name.words.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for w in seen {
            *counts.entry(w).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n * 2 > names.len())
        .map(|(w, _)| w.to_owned())
        .collect()
}

/// The name each file is known by: its stem; but a stem without a number that files in other
/// folders share too (`518/episode.mp3`, `519/episode.mp3`) says nothing, so its folder's name
/// is used instead.
fn names_in_context(paths: &[PathBuf]) -> Vec<String> {
    let mut folders_by_stem: BTreeMap<String, Vec<&Path>> = BTreeMap::new();
    for p in paths {
        let folders = folders_by_stem.entry(stem(p)).or_default();
        if let Some(parent) = p.parent()
            && !folders.contains(&parent)
        {
            folders.push(parent);
        }
    }
    paths
        .iter()
        .map(|p| {
            let own = stem(p);
            let shared = folders_by_stem.get(&own).is_some_and(|f| f.len() > 1);
            let folder = p
                .parent()
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned());
            match folder {
                Some(folder) if shared && naming::parse_stem(&own).number.is_none() => folder,
                _ => own,
            }
        })
        .collect()
}

/// The name `path` is known by among `paths` (see [`names_in_context`]).
fn naming_stem(path: &Path, names: &[String], paths: &[PathBuf]) -> String {
    paths
        .iter()
        .position(|p| p == path)
        .and_then(|i| names.get(i).cloned())
        .unwrap_or_else(|| stem(path))
}

fn key_for(info: &NameInfo, fallback: &str) -> String {
    match info.number {
        Some(n) => n.to_string(),
        None if !info.words.is_empty() => info.words.join("-"),
        None => fallback.to_owned(),
    }
}

/// Groups transcripts into episodes (by number, else by slug; a slug-only name joins the numbered
/// episode with the same slug), then pairs audio: the listener's fixes, the same file name, the
/// same number, then alike titles. Audio left over becomes episodes of its own.
pub fn group(
    transcripts: &[PathBuf],
    audio: &[AudioName],
    fixes: &BTreeMap<String, Option<PathBuf>>,
) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut words: Vec<NameInfo> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    let transcript_names = names_in_context(transcripts);
    let infos: Vec<(PathBuf, NameInfo)> = transcripts
        .iter()
        .zip(&transcript_names)
        .map(|(p, name)| (p.clone(), naming::parse_stem(name)))
        .collect();
    // Numbered names first, so a slug-only name can join its numbered episode.
    let (numbered, plain): (Vec<_>, Vec<_>) =
        infos.into_iter().partition(|(_, i)| i.number.is_some());
    for (path, info) in numbered.into_iter().chain(plain) {
        let mut key = key_for(&info, &naming_stem(&path, &transcript_names, transcripts));
        if info.number.is_none()
            && let Some(i) = words.iter().position(|w| {
                w.number.is_some() && !w.words.is_empty() && w.joined() == info.joined()
            })
        {
            key = groups[i].key.clone();
        }
        let name = naming_stem(&path, &transcript_names, transcripts);
        match by_key.get(&key) {
            Some(&i) => {
                groups[i].names.push((path.clone(), name));
                groups[i].transcripts.push(path);
            }
            None => {
                by_key.insert(key.clone(), groups.len());
                groups.push(Group {
                    key,
                    number: info.number,
                    names: vec![(path.clone(), name)],
                    transcripts: vec![path],
                    audio: None,
                    paired_by: None,
                    extra_audio: Vec::new(),
                    no_audio_chosen: false,
                });
                words.push(info);
            }
        }
    }
    for g in &mut groups {
        g.transcripts.sort();
    }
    let mut unpaired: Vec<&AudioName> = audio.iter().collect();
    // The listener's fixes.
    for (key, choice) in fixes {
        let Some(&i) = by_key.get(key) else { continue };
        match choice {
            Some(path) => {
                groups[i].audio = Some(path.clone());
                groups[i].paired_by = Some(PairedBy::Chosen);
                unpaired.retain(|a| &a.path != path);
            }
            None => groups[i].no_audio_chosen = true,
        }
    }
    let open = |g: &Group| g.audio.is_none() && !g.no_audio_chosen;
    // The same file name.
    unpaired.retain(|a| {
        let audio_stem = stem(&a.path);
        match groups
            .iter_mut()
            .find(|g| open(g) && g.transcripts.iter().any(|t| stem(t) == audio_stem))
        {
            Some(g) => {
                g.audio = Some(a.path.clone());
                g.paired_by = Some(PairedBy::SameName);
                false
            }
            None => true,
        }
    });
    // One audio file in a folder with one episode's transcripts (`518/episode.mp3` beside
    // `518/transcript.vtt`).
    unpaired.retain(|a| {
        let folder = a.path.parent();
        let alone = audio.iter().filter(|b| b.path.parent() == folder).count() == 1;
        let owners: Vec<usize> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.transcripts.iter().any(|t| t.parent() == folder))
            .map(|(i, _)| i)
            .collect();
        match owners.as_slice() {
            [i] if alone && open(&groups[*i]) => {
                groups[*i].audio = Some(a.path.clone());
                groups[*i].paired_by = Some(PairedBy::SameFolder);
                false
            }
            _ => true,
        }
    });
    let audio_paths: Vec<PathBuf> = audio.iter().map(|a| a.path.clone()).collect();
    let audio_context_names = names_in_context(&audio_paths);
    let audio_infos: Vec<(NameInfo, NameInfo)> = unpaired
        .iter()
        .map(|a| {
            let index = audio_paths.iter().position(|p| p == &a.path).unwrap_or(0);
            let name = audio_context_names
                .get(index)
                .cloned()
                .unwrap_or_else(|| stem(&a.path));
            let from_name = naming::parse_stem(&name);
            let from_tag = a
                .tag_title
                .as_deref()
                .map(naming::parse_title)
                .unwrap_or_default();
            (from_name, from_tag)
        })
        .collect();
    // The same number.
    let mut taken = vec![false; unpaired.len()];
    for (ai, (name, tag)) in audio_infos.iter().enumerate() {
        let Some(number) = name.number.or(tag.number) else {
            continue;
        };
        if let Some(g) = groups.iter_mut().find(|g| g.number == Some(number)) {
            if open(g) {
                g.audio = Some(unpaired[ai].path.clone());
                g.paired_by = Some(PairedBy::Number);
            } else if !g.no_audio_chosen {
                g.extra_audio.push(unpaired[ai].path.clone());
            }
            taken[ai] = true;
        }
    }
    // Alike titles, best first.
    let group_names: Vec<&NameInfo> = words.iter().collect();
    let group_common = common_words(&group_names);
    let audio_names: Vec<&NameInfo> = audio_infos.iter().map(|(n, _)| n).collect();
    let audio_common = common_words(&audio_names);
    let tag_names: Vec<&NameInfo> = audio_infos.iter().map(|(_, t)| t).collect();
    let tag_common = common_words(&tag_names);
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    for (ai, (name, tag)) in audio_infos.iter().enumerate() {
        if taken[ai] {
            continue;
        }
        let audio_number = name.number.or(tag.number);
        let from_name = naming::distinctive(&name.words, &audio_common);
        let from_tag = naming::distinctive(&tag.words, &tag_common);
        for (gi, g) in groups.iter().enumerate() {
            if !open(g) || (audio_number.is_some() && g.number.is_some()) {
                continue;
            }
            let own = naming::distinctive(&words[gi].words, &group_common);
            let score =
                naming::similarity(&own, &from_name).max(naming::similarity(&own, &from_tag));
            if score >= TITLE_MATCH {
                candidates.push((score, ai, gi));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, ai, gi) in candidates {
        if taken[ai] || groups[gi].audio.is_some() {
            continue;
        }
        groups[gi].audio = Some(unpaired[ai].path.clone());
        groups[gi].paired_by = Some(PairedBy::Title);
        taken[ai] = true;
    }
    // Audio with no transcript: an episode of its own.
    for (ai, audio) in unpaired.iter().enumerate() {
        if taken[ai] {
            continue;
        }
        let (name, tag) = &audio_infos[ai];
        let number = name.number.or(tag.number);
        let info = NameInfo {
            number,
            words: name.words.clone(),
        };
        let mut key = key_for(
            &info,
            &naming_stem(&audio.path, &audio_context_names, &audio_paths),
        );
        while by_key.contains_key(&key) {
            key.push('~');
        }
        by_key.insert(key.clone(), groups.len());
        groups.push(Group {
            key,
            number,
            names: vec![(
                audio.path.clone(),
                naming_stem(&audio.path, &audio_context_names, &audio_paths),
            )],
            transcripts: Vec::new(),
            audio: Some(audio.path.clone()),
            paired_by: None,
            extra_audio: Vec::new(),
            no_audio_chosen: false,
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names.iter().map(PathBuf::from).collect()
    }

    fn audio(names: &[&str]) -> Vec<AudioName> {
        names
            .iter()
            .map(|n| {
                let (path, tag) = n.split_once('|').unwrap_or((n, ""));
                AudioName {
                    path: PathBuf::from(path),
                    tag_title: (!tag.is_empty()).then(|| tag.to_owned()),
                }
            })
            .collect()
    }

    /// (key, transcripts, audio) per group, in the order `group` gives.
    fn summary(groups: &[Group]) -> Vec<(String, Vec<String>, Option<String>)> {
        groups
            .iter()
            .map(|g| {
                (
                    g.key.clone(),
                    g.transcripts
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect(),
                    g.audio.as_ref().map(|p| p.display().to_string()),
                )
            })
            .collect()
    }

    type Case<'a> = (
        &'a str,
        &'a [&'a str],
        &'a [&'a str],
        &'a [(&'a str, &'a [&'a str], Option<&'a str>)],
    );

    #[test]
    fn groups_and_pairs() {
        let cases: &[Case] = &[
            (
                "alternatives of one number are one episode",
                &[
                    "t/518-django-birthday.txt",
                    "t/518-django-birthday.vtt",
                    "yt/518-djangos-20th-birthday.vtt",
                    "t/517-other.vtt",
                ],
                &[],
                &[
                    (
                        "518",
                        &[
                            "t/518-django-birthday.txt",
                            "t/518-django-birthday.vtt",
                            "yt/518-djangos-20th-birthday.vtt",
                        ],
                        None,
                    ),
                    ("517", &["t/517-other.vtt"], None),
                ],
            ),
            (
                "a v2 edition is the same episode",
                &["a/100-x.vtt", "a/100-x-v2.vtt"],
                &[],
                &[("100", &["a/100-x-v2.vtt", "a/100-x.vtt"], None)],
            ),
            (
                "audio by number after the show's name, then by title; a download id is not a number",
                &["t/518-django-birthday.vtt", "t/517-flask-tips.vtt"],
                &["m/Talk Python - 518.mp3", "m/Flask tips.8841.mp3"],
                &[
                    (
                        "518",
                        &["t/518-django-birthday.vtt"],
                        Some("m/Talk Python - 518.mp3"),
                    ),
                    (
                        "517",
                        &["t/517-flask-tips.vtt"],
                        Some("m/Flask tips.8841.mp3"),
                    ),
                ],
            ),
            (
                "audio by slug when names have no numbers",
                &[
                    "t/whats-new.vtt",
                    "t/pants-build.vtt",
                    "t/rust-for-pythonistas.vtt",
                ],
                &[
                    "m/what-s-new.mp3",
                    "m/build-all-the-things-with-pants-build-system.mp3",
                    "m/unrelated-show.mp3",
                ],
                &[
                    ("whats-new", &["t/whats-new.vtt"], Some("m/what-s-new.mp3")),
                    (
                        "pants-build",
                        &["t/pants-build.vtt"],
                        Some("m/build-all-the-things-with-pants-build-system.mp3"),
                    ),
                    (
                        "rust-for-pythonistas",
                        &["t/rust-for-pythonistas.vtt"],
                        None,
                    ),
                    ("unrelated-show", &[], Some("m/unrelated-show.mp3")),
                ],
            ),
            (
                "a UUID-named file pairs by its tag title",
                &["t/42-async-django.vtt", "t/43-typing.vtt"],
                &["m/3f2504e0-4f89-11d3-9a0c-0305e82c3301.mp3|#42: Async Django"],
                &[
                    (
                        "42",
                        &["t/42-async-django.vtt"],
                        Some("m/3f2504e0-4f89-11d3-9a0c-0305e82c3301.mp3"),
                    ),
                    ("43", &["t/43-typing.vtt"], None),
                ],
            ),
            (
                "same name beside the transcript first",
                &["e/a.vtt", "e/b.vtt"],
                &["e/b.mp3", "e/a.mp3"],
                &[
                    ("a", &["e/a.vtt"], Some("e/a.mp3")),
                    ("b", &["e/b.vtt"], Some("e/b.mp3")),
                ],
            ),
            (
                "a folder per episode, with files named alike in every folder",
                &[
                    "lib/518 - Django birthday/transcript.vtt",
                    "lib/519 - Flask tips/transcript.vtt",
                    "lib/Async talk/transcript.vtt",
                ],
                &[
                    "lib/518 - Django birthday/episode.mp3",
                    "lib/519 - Flask tips/episode.mp3",
                    "lib/Async talk/episode.mp3",
                ],
                &[
                    (
                        "518",
                        &["lib/518 - Django birthday/transcript.vtt"],
                        Some("lib/518 - Django birthday/episode.mp3"),
                    ),
                    (
                        "519",
                        &["lib/519 - Flask tips/transcript.vtt"],
                        Some("lib/519 - Flask tips/episode.mp3"),
                    ),
                    (
                        "async-talk",
                        &["lib/Async talk/transcript.vtt"],
                        Some("lib/Async talk/episode.mp3"),
                    ),
                ],
            ),
            (
                "a slug-only transcript joins the numbered episode with that slug",
                &["t/7-packaging.vtt", "yt/packaging.vtt"],
                &[],
                &[("7", &["t/7-packaging.vtt", "yt/packaging.vtt"], None)],
            ),
        ];
        for (what, transcripts, audios, want) in cases {
            let got = summary(&group(
                &paths(transcripts),
                &audio(audios),
                &BTreeMap::new(),
            ));
            let want: Vec<(String, Vec<String>, Option<String>)> = want
                .iter()
                .map(|(k, t, a)| {
                    (
                        (*k).to_owned(),
                        t.iter().map(|s| (*s).to_owned()).collect(),
                        a.map(str::to_owned),
                    )
                })
                .collect();
            assert_eq!(got, want, "{what}");
        }
    }

    #[test]
    fn the_listeners_fix_wins() {
        let transcripts = paths(&["t/1-a.vtt", "t/2-b.vtt"]);
        let audios = audio(&["m/1.mp3", "m/2.mp3"]);
        let mut fixes = BTreeMap::new();
        fixes.insert("1".to_owned(), Some(PathBuf::from("m/2.mp3")));
        fixes.insert("2".to_owned(), None);
        let groups = group(&transcripts, &audios, &fixes);
        assert_eq!(groups[0].audio, Some(PathBuf::from("m/2.mp3")));
        assert_eq!(groups[0].paired_by, Some(PairedBy::Chosen));
        assert_eq!(groups[1].audio, None);
        assert!(groups[1].no_audio_chosen);
        // m/1.mp3 also claims episode 1: said, not paired.
        assert_eq!(groups[0].extra_audio, vec![PathBuf::from("m/1.mp3")]);
        assert_eq!(groups.len(), 2);
    }

    #[test]
    fn show_names_shared_by_every_file_do_not_pair_episodes() {
        let transcripts = paths(&[
            "t/django-birthday.vtt",
            "t/flask-tips.vtt",
            "t/async-python.vtt",
            "t/typing-deep-dive.vtt",
        ]);
        let audios = audio(&[
            "m/Talk Python To Me - Rust tooling.mp3",
            "m/Talk Python To Me - Data science.mp3",
            "m/Talk Python To Me - Django birthday.mp3",
            "m/Talk Python To Me - Web scraping.mp3",
        ]);
        let groups = group(&transcripts, &audios, &BTreeMap::new());
        let paired: Vec<(&str, &Path)> = groups
            .iter()
            .filter(|g| !g.transcripts.is_empty())
            .filter_map(|g| Some((g.key.as_str(), g.audio.as_deref()?)))
            .collect();
        assert_eq!(
            paired,
            vec![(
                "django-birthday",
                Path::new("m/Talk Python To Me - Django birthday.mp3")
            )]
        );
    }
}
