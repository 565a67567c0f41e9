//! Grouping a library's files into episodes and pairing each with its audio, from names alone
//! (and the audio's tag title). Pure: paths in, groups out.

use std::collections::{BTreeMap, HashMap};
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
    // The first name of each group, for pairing by title.
    let mut words: Vec<NameInfo> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut numbered_slugs: HashMap<String, usize> = HashMap::new();
    let transcript_names = names_in_context(transcripts);
    let infos: Vec<NameInfo> = transcript_names
        .iter()
        .map(|n| naming::parse_stem(n))
        .collect();
    // Numbered names first, so a slug-only name can join its numbered episode.
    let (numbered, plain): (Vec<usize>, Vec<usize>) =
        (0..transcripts.len()).partition(|&i| infos[i].number.is_some());
    for ti in numbered.into_iter().chain(plain) {
        let (path, info, name) = (&transcripts[ti], &infos[ti], &transcript_names[ti]);
        let mut key = key_for(info, name);
        if info.number.is_none()
            && !info.words.is_empty()
            && let Some(&gi) = numbered_slugs.get(&info.joined())
        {
            key = groups[gi].key.clone();
        }
        match by_key.get(&key) {
            Some(&gi) => {
                groups[gi].names.push((path.clone(), name.clone()));
                groups[gi].transcripts.push(path.clone());
            }
            None => {
                let gi = groups.len();
                by_key.insert(key.clone(), gi);
                if info.number.is_some() && !info.words.is_empty() {
                    numbered_slugs.entry(info.joined()).or_insert(gi);
                }
                groups.push(Group {
                    key,
                    number: info.number,
                    names: vec![(path.clone(), name.clone())],
                    transcripts: vec![path.clone()],
                    audio: None,
                    paired_by: None,
                    extra_audio: Vec::new(),
                    no_audio_chosen: false,
                });
                words.push(info.clone());
            }
        }
    }
    for g in &mut groups {
        g.transcripts.sort();
    }
    let mut unpaired: Vec<usize> = (0..audio.len()).collect();
    // The listener's fixes.
    for (key, choice) in fixes {
        let Some(&gi) = by_key.get(key) else { continue };
        match choice {
            Some(path) => {
                groups[gi].audio = Some(path.clone());
                groups[gi].paired_by = Some(PairedBy::Chosen);
                unpaired.retain(|&ai| &audio[ai].path != path);
            }
            None => groups[gi].no_audio_chosen = true,
        }
    }
    let open = |g: &Group| g.audio.is_none() && !g.no_audio_chosen;
    let pair = |g: &mut Group, path: &Path, by: PairedBy| {
        g.audio = Some(path.to_path_buf());
        g.paired_by = Some(by);
    };
    // The same file name.
    let mut by_stem: HashMap<String, usize> = HashMap::new();
    for (gi, g) in groups.iter().enumerate() {
        for t in &g.transcripts {
            by_stem.entry(stem(t)).or_insert(gi);
        }
    }
    unpaired.retain(|&ai| match by_stem.get(&stem(&audio[ai].path)) {
        Some(&gi) if open(&groups[gi]) => {
            pair(&mut groups[gi], &audio[ai].path, PairedBy::SameName);
            false
        }
        _ => true,
    });
    // One audio file in a folder with one episode's transcripts (`518/episode.mp3` beside
    // `518/transcript.vtt`).
    let mut audio_per_folder: HashMap<Option<&Path>, usize> = HashMap::new();
    for a in audio {
        *audio_per_folder.entry(a.path.parent()).or_default() += 1;
    }
    let mut groups_per_folder: HashMap<Option<PathBuf>, Vec<usize>> = HashMap::new();
    for (gi, g) in groups.iter().enumerate() {
        for t in &g.transcripts {
            let owners = groups_per_folder
                .entry(t.parent().map(Path::to_path_buf))
                .or_default();
            if owners.last() != Some(&gi) {
                owners.push(gi);
            }
        }
    }
    unpaired.retain(|&ai| {
        let folder = audio[ai].path.parent();
        let alone = audio_per_folder.get(&folder) == Some(&1);
        match groups_per_folder
            .get(&folder.map(Path::to_path_buf))
            .map(Vec::as_slice)
        {
            Some(&[gi]) if alone && open(&groups[gi]) => {
                pair(&mut groups[gi], &audio[ai].path, PairedBy::SameFolder);
                false
            }
            _ => true,
        }
    });
    let audio_paths: Vec<PathBuf> = audio.iter().map(|a| a.path.clone()).collect();
    let audio_context_names = names_in_context(&audio_paths);
    let audio_infos: Vec<(NameInfo, NameInfo)> = unpaired
        .iter()
        .map(|&ai| {
            let from_name = naming::parse_stem(&audio_context_names[ai]);
            let from_tag = audio[ai]
                .tag_title
                .as_deref()
                .map(naming::parse_title)
                .unwrap_or_default();
            (from_name, from_tag)
        })
        .collect();
    // The same number.
    let mut by_number: HashMap<u32, usize> = HashMap::new();
    for (gi, g) in groups.iter().enumerate() {
        if let Some(n) = g.number {
            by_number.entry(n).or_insert(gi);
        }
    }
    let mut taken = vec![false; unpaired.len()];
    for (ui, (name, tag)) in audio_infos.iter().enumerate() {
        let Some(&gi) = name.number.or(tag.number).and_then(|n| by_number.get(&n)) else {
            continue;
        };
        let path = &audio[unpaired[ui]].path;
        if open(&groups[gi]) {
            pair(&mut groups[gi], path, PairedBy::Number);
        } else if !groups[gi].no_audio_chosen {
            groups[gi].extra_audio.push(path.clone());
        }
        taken[ui] = true;
    }
    // Alike titles, best first; only groups sharing a word (or their words run together) are
    // compared.
    let group_names: Vec<&NameInfo> = words.iter().collect();
    let group_common = common_words(&group_names);
    let audio_names: Vec<&NameInfo> = audio_infos.iter().map(|(n, _)| n).collect();
    let audio_common = common_words(&audio_names);
    let tag_names: Vec<&NameInfo> = audio_infos.iter().map(|(_, t)| t).collect();
    let tag_common = common_words(&tag_names);
    let own_words: Vec<Vec<String>> = words
        .iter()
        .map(|w| naming::distinctive(&w.words, &group_common))
        .collect();
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (gi, own) in own_words.iter().enumerate() {
        if !open(&groups[gi]) {
            continue;
        }
        for w in own {
            postings.entry(w.as_str()).or_default().push(gi);
        }
    }
    let mut by_joined: HashMap<String, Vec<usize>> = HashMap::new();
    for (gi, own) in own_words.iter().enumerate() {
        if open(&groups[gi]) && !own.is_empty() {
            by_joined.entry(own.concat()).or_default().push(gi);
        }
    }
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    for (ui, (name, tag)) in audio_infos.iter().enumerate() {
        if taken[ui] {
            continue;
        }
        let audio_number = name.number.or(tag.number);
        let from_name = naming::distinctive(&name.words, &audio_common);
        let from_tag = naming::distinctive(&tag.words, &tag_common);
        let mut near: Vec<usize> = from_name
            .iter()
            .chain(&from_tag)
            .filter_map(|w| postings.get(w.as_str()))
            .flatten()
            .copied()
            .collect();
        for joined in [from_name.concat(), from_tag.concat()] {
            near.extend(by_joined.get(&joined).into_iter().flatten().copied());
        }
        near.sort_unstable();
        near.dedup();
        for gi in near {
            if audio_number.is_some() && groups[gi].number.is_some() {
                continue;
            }
            let own = &own_words[gi];
            let score = naming::similarity(own, &from_name).max(naming::similarity(own, &from_tag));
            if score >= TITLE_MATCH {
                candidates.push((score, ui, gi));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, ui, gi) in candidates {
        if taken[ui] || groups[gi].audio.is_some() {
            continue;
        }
        pair(&mut groups[gi], &audio[unpaired[ui]].path, PairedBy::Title);
        taken[ui] = true;
    }
    // Audio with no transcript: an episode of its own.
    for (ui, &ai) in unpaired.iter().enumerate() {
        if taken[ui] {
            continue;
        }
        let (name, tag) = &audio_infos[ui];
        let number = name.number.or(tag.number);
        let info = NameInfo {
            number,
            words: name.words.clone(),
        };
        let context_name = audio_context_names[ai].clone();
        let mut key = key_for(&info, &context_name);
        while by_key.contains_key(&key) {
            key.push('~');
        }
        by_key.insert(key.clone(), groups.len());
        groups.push(Group {
            key,
            number,
            names: vec![(audio[ai].path.clone(), context_name)],
            transcripts: Vec::new(),
            audio: Some(audio[ai].path.clone()),
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
