use super::*;

fn entry(i: usize) -> Entry {
    Entry {
        id: format!("doc-{i}"),
        text: format!("Text number {i}, with ünïcode and a \"quote\".\nSecond line."),
        published: i.is_multiple_of(2).then_some(Timestamp {
            seconds: 1_700_000_000 + i as i64,
            nanos: 5,
        }),
        outlet: i.is_multiple_of(3).then(|| format!("outlet-{}", i % 5)),
        inserted: Timestamp {
            seconds: 1_800_000_000 + i as i64,
            nanos: 999_999_999,
        },
    }
}

fn records() -> Vec<Record> {
    let mut out: Vec<Record> = (0..20).map(|i| Record::Insert(entry(i))).collect();
    out.insert(7, Record::Remove { id: "doc-3".into() });
    out
}

/// Writes `records()` to a new log; returns the directory, the path and the offsets.
fn written() -> (tempfile::TempDir, PathBuf, Vec<u64>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.ndx");
    let mut log = Log::create(&path, "{\"k\":5}").unwrap();
    let offsets = records().iter().map(|r| log.append(r).unwrap()).collect();
    (dir, path, offsets)
}

fn replay(path: &Path) -> Result<(Log, Vec<(u64, Record)>)> {
    let mut seen = Vec::new();
    let (log, settings) = Log::open(path, |at, r| {
        seen.push((at, r));
        Ok(())
    })?;
    assert_eq!(settings, "{\"k\":5}");
    Ok((log, seen))
}

fn problem(result: Result<(Log, Vec<(u64, Record)>)>) -> StoreProblem {
    match result {
        Err(Error::Store { problem, .. }) => problem,
        other => panic!("expected a store error, got {other:?}"),
    }
}

#[test]
fn records_come_back_in_order_and_by_offset() {
    let (_dir, path, offsets) = written();
    let (log, seen) = replay(&path).unwrap();
    let want: Vec<(u64, Record)> = offsets.iter().copied().zip(records()).collect();
    assert_eq!(seen, want);
    let reader = log.reader().unwrap();
    for (at, record) in &want {
        assert_eq!(&log.read(*at).unwrap(), record);
        assert_eq!(&reader.read(*at).unwrap(), record);
    }
    assert!(matches!(
        reader.read(offsets[1] + 1),
        Err(Error::Store {
            problem: StoreProblem::Corrupt { .. },
            ..
        })
    ));
    assert!(matches!(
        log.read(offsets[1] + 1),
        Err(Error::Store {
            problem: StoreProblem::Corrupt { .. },
            ..
        })
    ));
}

/// The file as a write of `extra` left it when interrupted after `cut` of its bytes: the
/// committed file (`before`) followed by the start of the batch (the commit field is only
/// written after the batch). Returns `before` and the whole file after the batch.
fn before_and_after(path: &Path, extra: &[Record]) -> (Vec<u8>, Vec<u8>) {
    let before = std::fs::read(path).unwrap();
    let (mut log, _) = replay(path).unwrap();
    log.append_batch(extra).unwrap();
    drop(log);
    let after = std::fs::read(path).unwrap();
    (before, after)
}

fn interrupted(before: &[u8], after: &[u8], cut: usize) -> Vec<u8> {
    let mut bytes = before.to_vec();
    bytes.extend_from_slice(&after[before.len()..cut]);
    bytes
}

/// A batch cut anywhere (as a killed process leaves it), or whole but not committed, is cut
/// off by a writable open, which says so; appending goes on from there. Garbage inside the
/// batch (a write torn by power loss) is cut off the same way.
#[test]
fn an_interrupted_write_is_cut_off_and_reported() {
    let (_dir, path, _) = written();
    let extra: Vec<Record> = (20..23).map(|i| Record::Insert(entry(i))).collect();
    let (before, after) = before_and_after(&path, &extra);
    let mut cuts: Vec<usize> = (before.len() + 1..before.len() + BATCH_RECORD + 2).collect();
    cuts.extend([after.len() - 7, after.len() - 1, after.len()]);
    let mut garbled = interrupted(&before, &after, after.len() - 40);
    let n = garbled.len();
    garbled[n - 10] ^= 0xff;
    let mut files: Vec<Vec<u8>> = cuts
        .iter()
        .map(|&c| interrupted(&before, &after, c))
        .collect();
    files.push(garbled);
    for bytes in files {
        std::fs::write(&path, &bytes).unwrap();
        let (mut log, seen) = replay(&path).unwrap();
        let at = bytes.len();
        assert_eq!(seen.len(), records().len(), "cut at {at}");
        let tail = Tail {
            offset: before.len() as u64,
            bytes: (bytes.len() - before.len()) as u64,
            cut: true,
        };
        assert_eq!(log.tail(), Some(tail), "cut at {at}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "cut back, cut at {at}"
        );
        let more = Record::Remove { id: "doc-1".into() };
        let offset = log.append(&more).unwrap();
        assert_eq!(offset, (before.len() + BATCH_RECORD) as u64);
        drop(log);
        let (log, seen) = replay(&path).unwrap();
        assert_eq!(seen.last().unwrap().1, more);
        assert_eq!(log.tail(), None);
        std::fs::write(&path, &before).unwrap();
    }
}

/// A file cut short of its committed length (a truncated copy, a partial restore) is an
/// error that says how much is missing and where the whole records end, for writable and
/// read-only opens alike, and the file is left as it is: nothing is cut for good.
#[test]
fn a_truncated_file_is_an_error_and_left_as_it_is() {
    let (_dir, path, offsets) = written();
    let whole = std::fs::read(&path).unwrap();
    let committed = whole.len() as u64;
    let half = whole.len() / 2;
    let intact_at_half = *offsets
        .iter()
        .filter(|&&o| o as usize <= half)
        .max()
        .unwrap();
    let last = *offsets.last().unwrap();
    let cases = [
        (half, intact_at_half),
        (last as usize, last),
        (whole.len() - 1, last),
        (offsets[0] as usize + 3, offsets[0]),
    ];
    for (size, intact) in cases {
        let bytes = &whole[..size];
        std::fs::write(&path, bytes).unwrap();
        let want = StoreProblem::Truncated {
            size: size as u64,
            committed,
            intact,
        };
        assert_eq!(problem(replay(&path)), want, "cut to {size}");
        let read_only = Log::open_read_only(&path, |_, _| Ok(())).map(|(l, _)| (l, Vec::new()));
        assert_eq!(problem(read_only), want, "read-only, cut to {size}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
    }
}

/// Bytes after the last committed record that are not the start of a batch written there
/// (junk with a plausible record length, a copy of a whole record, more than a batch
/// declares) are damage: a writable open refuses the file and leaves it as it is; a
/// read-only open leaves them out and says so (they could be a write in progress).
#[test]
fn junk_after_the_last_commit_is_an_error() {
    let (_dir, path, offsets) = written();
    let whole = std::fs::read(&path).unwrap();
    let mut junk16 = 100u32.to_le_bytes().to_vec();
    junk16.extend_from_slice(b"twelve bytes");
    let record = whole[offsets[3] as usize..offsets[4] as usize].to_vec();
    let extra = [Record::Remove { id: "doc-2".into() }];
    let (_, after) = before_and_after(&path, &extra);
    let mut overlong = after[whole.len()..].to_vec();
    overlong.push(0);
    for tail in [junk16, record, overlong] {
        let mut bytes = whole.clone();
        bytes.extend_from_slice(&tail);
        std::fs::write(&path, &bytes).unwrap();
        let reason = format!(
            "{} bytes after the last committed record are not a write of this index",
            tail.len()
        );
        assert_eq!(
            problem(replay(&path)),
            corrupt_at(whole.len() as u64, &reason)
        );
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
        let (log, _) = Log::open_read_only(&path, |_, _| Ok(())).unwrap();
        let left_out = Tail {
            offset: whole.len() as u64,
            bytes: tail.len() as u64,
            cut: false,
        };
        assert_eq!(log.tail(), Some(left_out));
    }
}

/// Repair keeps the whole records before the first damage, saves every byte it cuts in a
/// file beside the index, and leaves a file that opens; a file without damage is untouched.
#[test]
fn repair_keeps_the_whole_records_and_saves_what_it_cuts() {
    let (dir, path, offsets) = written();
    let whole = std::fs::read(&path).unwrap();
    let untouched = Log::repair(&path).unwrap();
    assert!(!untouched.changed());
    assert_eq!(std::fs::read(&path).unwrap(), whole);

    let mut damaged_in_the_middle = whole.clone();
    damaged_in_the_middle[offsets[5] as usize + RECORD_HEAD + 2] ^= 0x01;
    let mut junk = whole.clone();
    junk.extend_from_slice(b"0123456789abcdef");
    let half = whole.len() / 2;
    let cases = [
        // (file, records kept, where they end, bytes missing)
        (whole[..half].to_vec(), whole.len() - half),
        (damaged_in_the_middle, 0),
        (junk, 0),
    ];
    for (i, (bytes, missing)) in cases.into_iter().enumerate() {
        std::fs::write(&path, &bytes).unwrap();
        assert!(replay(&path).is_err(), "case {i} is damaged");
        let repair = Log::repair(&path).unwrap();
        let length = repair.length as usize;
        assert_eq!(repair.missing, missing as u64, "case {i}");
        assert_eq!(repair.cut as usize, bytes.len() - length, "case {i}");
        let saved = std::fs::read(repair.saved.as_ref().unwrap()).unwrap();
        assert!(saved == bytes[length..], "case {i}: every cut byte saved");
        let (_, seen) = replay(&path).unwrap();
        assert_eq!(seen.len(), repair.kept, "case {i}");
        let kept = offsets.iter().filter(|&&o| o < repair.length).count();
        assert_eq!(
            repair.kept, kept,
            "case {i}: every whole record before the damage"
        );
        let after = std::fs::read(&path).unwrap();
        let records_at = commit_at() + COMMIT;
        assert_eq!(after.len(), length, "case {i}");
        assert!(
            after[records_at..] == bytes[records_at..length],
            "case {i}: the records kept are as they were"
        );
        std::fs::remove_file(repair.saved.unwrap()).unwrap();
    }
    // A second repair of the same damage does not overwrite the first one's copy.
    std::fs::write(&path, &whole[..half]).unwrap();
    let first = Log::repair(&path).unwrap().saved.unwrap();
    std::fs::write(&path, &whole[..half]).unwrap();
    let second = Log::repair(&path).unwrap().saved.unwrap();
    assert_ne!(first, second);
    assert!(first.exists() && second.starts_with(dir.path()));
}

/// A read-only open of a file with an interrupted write reads the committed records, leaves
/// the file as it is (saying what it left out), and refuses to append; a file whose
/// permissions say read-only is refused by a writable open (even to root) and read by a
/// read-only one.
#[test]
fn read_only_opens_change_nothing() {
    let (_dir, path, offsets) = written();
    let extra = [Record::Remove { id: "doc-2".into() }];
    let (before, after) = before_and_after(&path, &extra);
    std::fs::write(&path, interrupted(&before, &after, after.len() - 3)).unwrap();
    let torn = std::fs::read(&path).unwrap();
    let mut seen = Vec::new();
    let (mut log, _) = Log::open_read_only(&path, |at, r| {
        seen.push((at, r));
        Ok(())
    })
    .unwrap();
    assert_eq!(seen.len(), records().len());
    assert_eq!(
        log.tail().map(|t| (t.bytes, t.cut)),
        Some(((torn.len() - before.len()) as u64, false))
    );
    assert!(!log.is_writable());
    let refused = log.append(&Record::Remove { id: "x".into() }).unwrap_err();
    assert!(matches!(
        refused,
        Error::Store {
            problem: StoreProblem::ReadOnly,
            ..
        }
    ));
    assert_eq!(log.read(offsets[0]).unwrap(), records()[0]);
    drop(log);
    assert_eq!(std::fs::read(&path).unwrap(), torn);

    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions).unwrap();
    assert_eq!(problem(replay(&path)), StoreProblem::ReadOnly);
    assert!(Log::open_read_only(&path, |_, _| Ok(())).is_ok());
    assert_eq!(std::fs::read(&path).unwrap(), torn);
}

/// A file of format 1 (no commit field, no batch records), as earlier versions wrote it:
/// its records are read, an incomplete last record is cut off and reported (format 1
/// cannot tell it from a cut), and appending goes on in its own format.
#[test]
fn format_1_files_are_read_and_appended_to() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.ndx");
    let settings = b"{\"k\":5}";
    let mut bytes = MAGIC.to_vec();
    let mut checked = 1u32.to_le_bytes().to_vec();
    checked.extend_from_slice(&(settings.len() as u32).to_le_bytes());
    checked.extend_from_slice(settings);
    bytes.extend_from_slice(&checked);
    bytes.extend_from_slice(&xxh3_64_with_seed(&checked, HEADER_SEED).to_le_bytes());
    let mut offsets = Vec::new();
    for record in records() {
        offsets.push(bytes.len() as u64);
        bytes.extend_from_slice(&encode(&record));
    }
    let whole = bytes.len();
    bytes.extend_from_slice(&encode(&records()[0])[..9]);
    std::fs::write(&path, &bytes).unwrap();
    let (mut log, seen) = replay(&path).unwrap();
    assert_eq!(
        seen,
        offsets.iter().copied().zip(records()).collect::<Vec<_>>()
    );
    let tail = Tail {
        offset: whole as u64,
        bytes: 9,
        cut: true,
    };
    assert_eq!(log.tail(), Some(tail));
    let more = Record::Remove { id: "doc-1".into() };
    assert_eq!(log.append(&more).unwrap(), whole as u64);
    drop(log);
    let (_, seen) = replay(&path).unwrap();
    assert_eq!(seen.len(), records().len() + 1);
    assert_eq!(seen.last().unwrap(), &(whole as u64, more));
}

/// Damage before the last record is an error that names the record's offset: the file is
/// not cut, so nothing after it is lost.
#[test]
fn damage_before_the_end_is_an_error() {
    let (_dir, path, offsets) = written();
    let whole = std::fs::read(&path).unwrap();
    let mut bad = whole.clone();
    bad[offsets[2] as usize + RECORD_HEAD + 3] ^= 0x20;
    std::fs::write(&path, &bad).unwrap();
    let got = problem(replay(&path));
    assert_eq!(
        got,
        StoreProblem::Corrupt {
            offset: offsets[2],
            reason: "checksum mismatch".into()
        }
    );
    assert_eq!(std::fs::read(&path).unwrap(), bad, "left as it was");
    // A damaged length field that points past the end, before the last record.
    let mut bad = whole.clone();
    bad[offsets[4] as usize + 3] = 0xff;
    std::fs::write(&path, &bad).unwrap();
    assert!(matches!(
        problem(replay(&path)),
        StoreProblem::Corrupt { offset, .. } if offset == offsets[4]
    ));
    // Garbage at the end of the last committed record: it was acknowledged, so it is
    // damage, not an interrupted write.
    let mut bad = whole.clone();
    let n = bad.len();
    bad[n - 3] ^= 0xff;
    std::fs::write(&path, &bad).unwrap();
    assert_eq!(
        problem(replay(&path)),
        corrupt_at(*offsets.last().unwrap(), "incomplete record")
    );
    assert_eq!(std::fs::read(&path).unwrap(), bad, "left as it was");
}

#[test]
fn foreign_newer_damaged_and_interrupted_headers() {
    let (_dir, path, _) = written();
    let whole = std::fs::read(&path).unwrap();
    let cases: Vec<(Vec<u8>, StoreProblem)> = vec![
        (b"hello, world\n".to_vec(), StoreProblem::Foreign),
        (Vec::new(), StoreProblem::Empty),
        (MAGIC[..5].to_vec(), corrupt_at(0, "incomplete header")),
        (whole[..12].to_vec(), corrupt_at(12, "incomplete header")),
        (
            with(&whole, 8, &7u32.to_le_bytes()),
            StoreProblem::NewerVersion {
                found: 7,
                supported: FORMAT_VERSION,
            },
        ),
        (
            with(&whole, 8, &0u32.to_le_bytes()),
            corrupt_at(8, "bad header"),
        ),
        (
            with(&whole, 17, b"x"),
            corrupt_at(8, "header checksum mismatch"),
        ),
        (whole[..20].to_vec(), corrupt_at(16, "incomplete header")),
        (whole[..40].to_vec(), corrupt_at(16, "incomplete header")),
        (
            with(&whole, commit_at(), &[0xff]),
            corrupt_at(commit_at() as u64, "bad commit field"),
        ),
    ];
    for (bytes, want) in cases {
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            problem(replay(&path)),
            want,
            "{:?}",
            &bytes[..bytes.len().min(24)]
        );
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
    }
}

/// Where the commit field of a file written by `written()` is.
fn commit_at() -> usize {
    commit_offset(16 + "{\"k\":5}".len() as u64 + 8) as usize
}

fn corrupt_at(offset: u64, reason: &str) -> StoreProblem {
    StoreProblem::Corrupt {
        offset,
        reason: reason.into(),
    }
}

fn with(bytes: &[u8], at: usize, patch: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at..at + patch.len()].copy_from_slice(patch);
    out
}

#[test]
fn create_refuses_an_existing_file_and_open_a_file_in_use() {
    let (dir, path, _) = written();
    let err = Log::create(&path, "{}").unwrap_err();
    assert!(matches!(
        err,
        Error::Store {
            problem: StoreProblem::Exists,
            ..
        }
    ));
    assert!(err.to_string().starts_with(&path.display().to_string()));
    let (held, _) = replay(&path).unwrap();
    assert_eq!(problem(replay(&path)), StoreProblem::Locked);
    drop(held);
    assert!(replay(&path).is_ok(), "the lock goes with the log");
    let missing = dir.path().join("none.ndx");
    assert!(matches!(
        Log::open(&missing, |_, _| Ok(())),
        Err(Error::Io { ref path, .. }) if *path == missing
    ));
}

/// Decoding never panics on arbitrary bodies, and accepts only what encoding makes.
#[test]
fn decoding_rejects_malformed_bodies() {
    for record in records() {
        let bytes = encode(&record);
        let body = &bytes[RECORD_HEAD..];
        assert_eq!(decode(body), Some(record.clone()));
        for cut in 0..body.len() {
            assert_eq!(decode(&body[..cut]), None, "cut at {cut}");
        }
        let mut longer = body.to_vec();
        longer.push(0);
        assert_eq!(decode(&longer), None);
    }
    assert_eq!(decode(&[9, 0, 0, 0, 0]), None);
}
