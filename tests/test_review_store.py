"""The review store on both back-ends: SQLite (the default) and a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.config import load_config
from pipeline.errors import (
    AppealClosed,
    ConfigError,
    ReviewInputError,
    ReviewPermissionError,
    ReviewStoreError,
    UnknownAppeal,
    UnknownUser,
    UserExists,
)
from pipeline.review.backends import open_backend
from pipeline.review.store import ReviewStore, open_review_store

from . import review_stores
from .review_stores import fresh_database

PASSWORD = "correct-horse-7"
# The store on both back-ends, as in the other review store tests.
pg_server, store_url = review_stores.pg_server, review_stores.store_url


@pytest.fixture
def store(store_url, tmp_path):
    with ReviewStore(open_backend(store_url, tmp_path)) as opened:
        yield opened


@pytest.fixture
def people(store):
    return {
        "admin": store.add_user("ada", "admin", PASSWORD),
        "reviewer": store.add_user("rui", "reviewer", PASSWORD, team="T1"),
        "senior": store.add_user("sen", "senior", PASSWORD, team="T1"),
        "agent": store.add_user("ann", "agent", PASSWORD, agent_id="A1", team="T1"),
    }


def test_users_and_authentication(store, people):
    assert [u.name for u in store.list_users()] == ["ada", "ann", "rui", "sen"]
    assert store.get_user("ann").agent_id == "A1"
    assert store.authenticate("rui", PASSWORD) == people["reviewer"]
    assert store.authenticate("rui", PASSWORD + "x") is None
    assert store.authenticate("nobody", PASSWORD) is None
    with pytest.raises(UserExists):
        store.add_user("rui", "reviewer", PASSWORD)
    with pytest.raises(ReviewInputError, match="agent id"):
        store.add_user("bo", "agent", PASSWORD)
    with pytest.raises(ReviewInputError, match="role"):
        store.add_user("bo", "boss", PASSWORD)
    with pytest.raises(ReviewInputError, match="8 characters"):
        store.add_user("bo", "reviewer", "short")
    store.set_password("rui", "another-pass-9")
    assert store.authenticate("rui", PASSWORD) is None
    assert store.authenticate("rui", "another-pass-9").name == "rui"
    store.disable_user("rui")
    assert store.authenticate("rui", "another-pass-9") is None
    assert store.get_user("rui").disabled
    with pytest.raises(UnknownUser):
        store.disable_user("nobody")
    with pytest.raises(ReviewPermissionError, match="disabled"):
        store.add_verdict("f1", "c1", "r", "phrase.forbidden", "confirmed", "", people["reviewer"])


def test_verdicts_appeals_decisions(store, people):
    rui, ann, sen = people["reviewer"], people["agent"], people["senior"]
    first = store.add_verdict("f1", "c1", "forbidden.x", "phrase.forbidden", "confirmed", "", rui)
    second = store.add_verdict(
        "f2",
        "c2",
        "pii.phone",
        "pii.phone",
        "rejected",
        "号码是客服热线",
        rui,
        ruleset_version="v3",
    )
    assert second.verdict_id > first.verdict_id
    assert store.verdicts("c2") == [second]
    assert store.verdicts() == [first, second]
    with pytest.raises(ReviewInputError, match="verdict"):
        store.add_verdict("f1", "c1", "r", "c", "maybe", "", rui)
    with pytest.raises(ReviewPermissionError, match="reviewer or senior"):
        store.add_verdict("f1", "c1", "r", "c", "rejected", "", ann)

    appeal = store.add_appeal("c1", "f1", "我没有说这句话", ann)
    assert (appeal.agent_id, appeal.decision) == ("A1", None)
    whole = store.add_appeal("c2", None, "分数不对", ann)
    with pytest.raises(ReviewPermissionError):
        store.decide_appeal(appeal.appeal_id, "overturned", "", rui)
    decided = store.decide_appeal(appeal.appeal_id, "overturned", "确实听错了", sen)
    assert (decided.decision, decided.decided_by, decided.decision_note) == (
        "overturned",
        "sen",
        "确实听错了",
    )
    assert decided.decided_at >= decided.created_at
    with pytest.raises(AppealClosed, match="already decided"):
        store.decide_appeal(appeal.appeal_id, "upheld", "", people["admin"])
    with pytest.raises(UnknownAppeal):
        store.decide_appeal(999, "upheld", "", sen)
    assert store.appeal(appeal.appeal_id) == decided
    assert store.appeals(agent_id="A1") == [decided, whole]
    assert store.appeals(call_id="c2") == [whole]

    signoff = store.add_signoff("2026-W48/T1", "ok", people["admin"])
    with pytest.raises(ReviewPermissionError):
        store.add_signoff("2026-W48/T1", "", sen)
    recheck = store.add_recheck("A1", 5, sen)
    assert store.signoffs() == [signoff] and store.rechecks() == [recheck]


def test_access_log_filters(store, people):
    rui, ann = people["reviewer"], people["agent"]
    store.log_access(rui, "login", None)
    store.log_access(rui, "view", "c1")
    store.log_access(ann, "play", "c1", "agent channel")
    store.log_access(rui, "view", "c2")
    store.log_access("mallory", "login_failed", None, "from 10.0.0.7")
    assert [e.action for e in store.access_log()] == [
        "login", "view", "play", "view", "login_failed",
    ]  # fmt: skip
    assert store.access_log(user_name="mallory")[0].detail == "from 10.0.0.7"
    assert [e.call_id for e in store.access_log(user_name="rui")] == [None, "c1", "c2"]
    assert [e.user_name for e in store.access_log(call_id="c1")] == ["rui", "ann"]
    assert len(store.access_log(since=datetime.now(UTC) - timedelta(minutes=5))) == 5
    assert store.access_log(since=datetime.now(UTC) + timedelta(minutes=5)) == []


def test_threads_share_one_store(store, people):
    ids: list[int] = []

    def post(worker: int) -> None:
        for i in range(20):
            verdict = store.add_verdict(
                f"f{worker}-{i}", f"c{worker}", "r", "c", "unsure", "", people["reviewer"]
            )
            ids.append(verdict.verdict_id)

    threads = [threading.Thread(target=post, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 80
    assert sorted(v.verdict_id for v in store.verdicts()) == sorted(ids)


def test_a_second_connection_sees_every_committed_record(store_url, tmp_path, store, people):
    store.add_verdict("f1", "c1", "r", "c", "confirmed", "", people["reviewer"])
    with ReviewStore(open_backend(store_url, tmp_path)) as other:
        assert [v.finding_id for v in other.verdicts()] == ["f1"]
        assert other.authenticate("ann", PASSWORD).agent_id == "A1"


def test_passwords_are_stored_only_as_scrypt_hashes(store_url, tmp_path, store, people):
    rows = store.backend.rows("list_users", {})
    assert len(rows) == 4
    hashes = [store.backend.rows("get_user", {"name": r[0]})[0][5] for r in rows]
    assert all(h.startswith("scrypt$16384$8$1$") for h in hashes)
    assert len(set(hashes)) == 4  # salted: the same password never gives the same hash
    assert all(PASSWORD not in h for h in hashes)
    if not store_url.startswith("postgresql"):
        store.close()
        files = list(tmp_path.glob("review.sqlite3*"))
        raw = b"".join(f.read_bytes() for f in files)
        assert b"scrypt$" in raw and PASSWORD.encode() not in raw


def test_the_config_names_the_store(tmp_path):
    (tmp_path / "callqa.toml").write_text('[review]\nstore = "state/review.db"\n')
    config = load_config(tmp_path / "callqa.toml")
    with open_review_store(config) as store:
        store.add_user("ada", "admin", PASSWORD)
    assert (tmp_path / "state" / "review.db").is_file()
    assert config.review.appeal_days == 7 and config.review.recheck_calls == 5
    assert config.review.levels == ("verdict", "decision", "signoff")
    (tmp_path / "bad.toml").write_text('[review]\nlevels = ["verdict", "vote"]\n')
    with pytest.raises(Exception, match="levels must list some of verdict, decision, signoff"):
        load_config(tmp_path / "bad.toml")


def test_an_unreachable_postgresql_store_is_a_sentence_without_the_password(tmp_path):
    config = load_config()
    url = "postgresql://qa:s3cret-pw@127.0.0.1:1/review"
    config = dataclasses.replace(config, review=dataclasses.replace(config.review, store=url))
    with pytest.raises(ReviewStoreError) as caught:
        open_review_store(config)
    message = str(caught.value)
    assert "cannot open the review store" in message and "qa:***@127.0.0.1:1" in message
    assert "s3cret" not in message


def test_postgresql_reconnects_after_its_connection_is_cut(pg_server, tmp_path):
    import psycopg

    url = fresh_database(pg_server)
    with ReviewStore(open_backend(url, tmp_path)) as store:
        rui = store.add_user("rui", "reviewer", PASSWORD)
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [store.backend.con.info.backend_pid])
        # The request that meets the cut fails with a sentence (nothing half-written) …
        with pytest.raises(ReviewStoreError, match="review store"):
            store.add_verdict("f1", "c1", "r", "c", "confirmed", "", rui)
        # … and the next one opens a new connection.
        verdict = store.add_verdict("f1", "c1", "r", "c", "confirmed", "", rui)
        assert store.verdicts() == [verdict]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('store = ""', "[review] store must name a file or a postgresql:// URL"),
        ("levels = []", "[review] levels must list some of"),
        ("appeal_days = -1", "[review] appeal_days must be 0 or more"),
        ('recheck_calls = "5"', "'review.recheck_calls' must be a whole number"),
        ("reviewers = 3", "unknown key 'reviewers' in [review]"),
    ],
)
def test_review_options_are_checked(tmp_path, line, message):
    (tmp_path / "callqa.toml").write_text(f"[review]\n{line}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "callqa.toml")
    assert message in str(caught.value)
