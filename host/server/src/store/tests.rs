//! The behaviour every [`Store`] must have, as one suite that each back end
//! runs on fresh, empty stores (SQLite in memory; PostgreSQL in a private
//! cluster, see `postgres.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::*;

type Make<'a> = &'a dyn Fn() -> Box<dyn Store>;

const A: &str = "https://example.org/a.git";
const B: &str = "https://example.org/b.git";

fn lease(name: &str, ms: u64) -> Lease {
    Lease {
        holder: name.into(),
        duration: Duration::from_millis(ms),
    }
}

fn long(name: &str) -> Lease {
    lease(name, 60_000)
}

fn new_job(s: &dyn Store, url: &str) -> i64 {
    match s.enqueue(url, "main", 100).unwrap() {
        Enqueued::New(id) => id,
        other => panic!("{other:?}"),
    }
}

fn completion(state: JobState) -> Completion {
    Completion {
        state,
        commit: Some("c0ffee".into()),
        channel_commit: None,
        error: None,
        summary: String::new(),
        dishes: vec![],
        replace_dishes: true,
    }
}

fn dish(file: &str, ok: bool) -> DishRecord {
    DishRecord {
        git_url: String::new(),
        branch: String::new(),
        file: file.into(),
        name: Some("hello".into()),
        version: Some("1.0".into()),
        commit: "c0ffee".into(),
        ok,
        diagnostics: vec![],
        rendered: String::new(),
        module_path: Some(format!("modules/gnu/packages/potluck/x/main/{file}")),
        module_name: Some("(gnu packages potluck x main hello)".into()),
        source: ok.then_some(SourceState::Verified),
        updated: 0,
    }
}

fn key(n: u32) -> SourceKey {
    SourceKey {
        url: format!("https://example.org/src{n}.git"),
        commit: format!("{n:040}"),
    }
}

/// Expire leases taken with a 1 ms duration.
fn pass_time() {
    std::thread::sleep(Duration::from_millis(20));
}

/// Run every check, each on a store made by `make`.
pub(crate) fn suite(make: Make) {
    enqueue_dedupes_and_caps(&*make());
    claims_are_exclusive_per_repo_and_fenced(&*make());
    an_expired_lease_is_taken_over(&*make());
    renewing_keeps_a_lease(&*make());
    a_job_whose_lease_keeps_expiring_is_abandoned_and_shown(&*make());
    jobs_wait_for_their_sources_without_a_worker(&*make());
    known_sources_do_not_park_a_job(&*make());
    an_interrupted_source_check_ends_unreachable(&*make());
    complete_replaces_dish_records(&*make());
    a_channel_dir_has_one_owner(&*make());
    the_channel_lock_is_exclusive(make);
    releasing_all_leases_requeues_at_once(&*make());
}

fn enqueue_dedupes_and_caps(s: &dyn Store) {
    let a = s.enqueue(A, "main", 2).unwrap();
    let Enqueued::New(id) = a else {
        panic!("{a:?}")
    };
    assert_eq!(s.enqueue(A, "main", 2).unwrap(), Enqueued::Existing(id));
    assert!(matches!(s.enqueue(A, "dev", 2).unwrap(), Enqueued::New(_)));
    assert_eq!(s.enqueue(B, "main", 2).unwrap(), Enqueued::Full);
    assert_eq!(s.queue_len().unwrap(), 2);
    assert_eq!(s.job(id).unwrap().unwrap().state, JobState::Queued);
    assert!(s.job(id + 1000).unwrap().is_none());
}

fn claims_are_exclusive_per_repo_and_fenced(s: &dyn Store) {
    let first = new_job(s, A);
    let job = s.claim(&long("h1")).unwrap().unwrap();
    assert_eq!(
        (job.id, job.state, job.attempts),
        (first, JobState::Running, 1)
    );
    // A new request for the same repo waits until the first is done.
    let second = new_job(s, A);
    let other = new_job(s, B);
    assert_eq!(s.claim(&long("h2")).unwrap().unwrap().id, other);
    assert!(s.claim(&long("h2")).unwrap().is_none());
    // Only the holder records the result.
    assert!(!s
        .complete(first, "h2", &completion(JobState::Done))
        .unwrap());
    assert!(s
        .complete(first, "h1", &completion(JobState::Done))
        .unwrap());
    assert!(!s
        .complete(first, "h1", &completion(JobState::Done))
        .unwrap());
    assert_eq!(s.job(first).unwrap().unwrap().state, JobState::Done);
    assert_eq!(s.claim(&long("h1")).unwrap().unwrap().id, second);
    let pending: Vec<i64> = s.pending_jobs(10).unwrap().iter().map(|j| j.id).collect();
    assert_eq!(pending, vec![second, other]);
}

fn an_expired_lease_is_taken_over(s: &dyn Store) {
    let id = new_job(s, A);
    assert_eq!(s.claim(&lease("dead", 1)).unwrap().unwrap().id, id);
    pass_time();
    let job = s.claim(&long("alive")).unwrap().unwrap();
    assert_eq!((job.id, job.attempts), (id, 2));
    // The first holder comes back too late: its result is refused.
    assert!(s.renew(&long("dead"), &[id]).unwrap().is_empty());
    assert!(!s.complete(id, "dead", &completion(JobState::Done)).unwrap());
    assert!(s
        .complete(id, "alive", &completion(JobState::Done))
        .unwrap());
}

fn renewing_keeps_a_lease(s: &dyn Store) {
    let id = new_job(s, A);
    s.claim(&lease("h1", 1)).unwrap().unwrap();
    assert_eq!(s.renew(&long("h1"), &[id, id + 99]).unwrap(), vec![id]);
    pass_time();
    assert!(s.claim(&long("h2")).unwrap().is_none());
}

fn a_job_whose_lease_keeps_expiring_is_abandoned_and_shown(s: &dyn Store) {
    let id = new_job(s, A);
    for attempt in 1..=MAX_ATTEMPTS {
        let job = s.claim(&lease("crashy", 1)).unwrap().unwrap();
        assert_eq!((job.id, job.attempts), (id, attempt));
        pass_time();
    }
    assert!(s.claim(&long("h")).unwrap().is_none());
    let job = s.job(id).unwrap().unwrap();
    assert_eq!(job.state, JobState::Failed);
    assert!(job.error.unwrap().contains("abandoned"));
    // The repo is listed with the failure, even with no dish recorded.
    let repos = s.repos(10).unwrap();
    assert_eq!(repos.len(), 1);
    assert_eq!(
        (repos[0].last_job, repos[0].last_state),
        (id, JobState::Failed)
    );
    assert_eq!(s.counts().unwrap().repos, 1);
}

fn jobs_wait_for_their_sources_without_a_worker(s: &dyn Store) {
    let id = new_job(s, A);
    s.claim(&long("w")).unwrap().unwrap();
    assert!(!s.await_sources(id, "other", &[key(1)]).unwrap());
    assert!(s.await_sources(id, "w", &[key(1), key(2)]).unwrap());
    assert_eq!(s.job(id).unwrap().unwrap().state, JobState::Verifying);
    assert_eq!(s.counts().unwrap().verifying, 1);
    assert_eq!(s.source(&key(1)).unwrap(), Some(SourceRecord::Pending));
    assert_eq!(s.source(&key(3)).unwrap(), None);
    // A verifying job serves new requests for its repo, and is not claimed.
    assert_eq!(s.enqueue(A, "main", 100).unwrap(), Enqueued::Existing(id));
    assert!(s.claim(&long("w")).unwrap().is_none());
    let t1 = s.claim_source(&long("f")).unwrap().unwrap();
    let t2 = s.claim_source(&long("f")).unwrap().unwrap();
    assert!(s.claim_source(&long("f")).unwrap().is_none());
    assert_eq!((t1.key.clone(), t1.attempts), (key(1), 1));
    assert_eq!(
        s.renew_sources(&long("f"), &[t1.id, t2.id]).unwrap().len(),
        2
    );
    assert!(!s
        .complete_source(t1.id, "nobody", &SourceOutcome::Hashed("h".into()))
        .unwrap());
    let hash = "0m6frpjhnvmx2wrqp20vwh57aws54mkmjx5jjg1avr19r38almwg".to_string();
    assert!(s
        .complete_source(t1.id, "f", &SourceOutcome::Hashed(hash.clone()))
        .unwrap());
    assert_eq!(s.job(id).unwrap().unwrap().state, JobState::Verifying);
    assert!(s
        .complete_source(t2.id, "f", &SourceOutcome::Unreachable("gone".into()))
        .unwrap());
    assert_eq!(s.job(id).unwrap().unwrap().state, JobState::Queued);
    assert_eq!(s.source(&key(1)).unwrap(), Some(SourceRecord::Hashed(hash)));
    assert!(matches!(
        s.source(&key(2)).unwrap(),
        Some(SourceRecord::Unreachable { error, .. }) if error == "gone"
    ));
    let again = s.claim(&long("w")).unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (id, 2));
    // A recent failure is remembered, not fetched again.
    assert!(s.await_sources(id, "w", &[key(2)]).unwrap());
    assert_eq!(s.job(id).unwrap().unwrap().state, JobState::Queued);
    assert!(s.claim_source(&long("f")).unwrap().is_none());
}

fn known_sources_do_not_park_a_job(s: &dyn Store) {
    let first = new_job(s, A);
    s.claim(&long("w")).unwrap();
    s.await_sources(first, "w", &[key(1)]).unwrap();
    let t = s.claim_source(&long("f")).unwrap().unwrap();
    s.complete_source(t.id, "f", &SourceOutcome::Hashed("x".into()))
        .unwrap();
    s.claim(&long("w")).unwrap();
    s.complete(first, "w", &completion(JobState::Done)).unwrap();
    let second = new_job(s, A);
    s.claim(&long("w")).unwrap();
    assert!(s.await_sources(second, "w", &[key(1)]).unwrap());
    assert_eq!(s.job(second).unwrap().unwrap().state, JobState::Queued);
}

fn an_interrupted_source_check_ends_unreachable(s: &dyn Store) {
    let id = new_job(s, A);
    s.claim(&long("w")).unwrap();
    s.await_sources(id, "w", &[key(7)]).unwrap();
    for attempt in 1..=MAX_ATTEMPTS {
        let t = s.claim_source(&lease("crashy", 1)).unwrap().unwrap();
        assert_eq!(t.attempts, attempt);
        pass_time();
    }
    assert!(s.claim_source(&long("f")).unwrap().is_none());
    assert!(matches!(
        s.source(&key(7)).unwrap(),
        Some(SourceRecord::Unreachable { error, .. }) if error.contains("interrupted")
    ));
    assert_eq!(s.job(id).unwrap().unwrap().state, JobState::Queued);
}

fn complete_replaces_dish_records(s: &dyn Store) {
    let id = new_job(s, A);
    s.claim(&long("w")).unwrap();
    let mut c = completion(JobState::Done);
    c.dishes = vec![dish("hello.scm", true), dish("bad.scm", false)];
    assert!(s.complete(id, "w", &c).unwrap());
    let d = s.dishes_of(A, "main").unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].git_url, A);
    assert_eq!(d[0].file, "bad.scm");
    assert_eq!(d[1].source, Some(SourceState::Verified));
    assert_eq!(d[0].source, None);
    let r = s.repos(10).unwrap();
    assert_eq!((r[0].dishes, r[0].failing), (2, 1));
    assert_eq!(r[0].last_commit.as_deref(), Some("c0ffee"));
    let counts = s.counts().unwrap();
    assert_eq!((counts.dishes, counts.failing, counts.repos), (2, 1, 1));
    assert_eq!(s.failing_dishes(10).unwrap().len(), 1);
    assert_eq!(s.dishes(1).unwrap().len(), 1);
    let one = s.dish(A, "main", "hello.scm").unwrap().unwrap();
    assert!(one.ok);
    assert!(s.dish(A, "main", "nope.scm").unwrap().is_none());
    // A failed job that did not read the repo keeps the records.
    let id = new_job(s, A);
    s.claim(&long("w")).unwrap();
    let mut f = completion(JobState::Failed);
    f.replace_dishes = false;
    f.commit = None;
    s.complete(id, "w", &f).unwrap();
    assert_eq!(s.dishes_of(A, "main").unwrap().len(), 2);
    let r = s.repos(10).unwrap();
    assert_eq!(r[0].last_state, JobState::Failed);
    assert_eq!(r[0].last_commit.as_deref(), Some("c0ffee"));
}

fn a_channel_dir_has_one_owner(s: &dyn Store) {
    let a = s
        .claim_dir("x/main", "https://a.example/r", "main")
        .unwrap();
    assert_eq!(a.0, "https://a.example/r");
    let b = s
        .claim_dir("x/main", "https://b.example/r", "main")
        .unwrap();
    assert_eq!(b.0, "https://a.example/r");
}

fn the_channel_lock_is_exclusive(make: Make) {
    let s: Arc<dyn Store> = Arc::from(make());
    let inside = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let s = s.clone();
            let inside = inside.clone();
            std::thread::spawn(move || {
                for _ in 0..5 {
                    let _lock = s.lock_channel().unwrap();
                    assert!(!inside.swap(true, Ordering::SeqCst), "two writers at once");
                    std::thread::sleep(Duration::from_millis(2));
                    inside.store(false, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

fn releasing_all_leases_requeues_at_once(s: &dyn Store) {
    let id = new_job(s, A);
    s.claim(&long("killed")).unwrap();
    assert_eq!(s.release_all_leases().unwrap(), 1);
    assert_eq!(s.claim(&long("next")).unwrap().unwrap().id, id);
}
