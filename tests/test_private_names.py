"""File and folder names that hold a caller's number (issue 16): masked with a keyed hash in
call ids and shown paths, the same on every run, unique, and never in the store."""

from __future__ import annotations

import stat

import pytest

from pipeline.batch.archive import locate, scan_archive
from pipeline.batch.names import is_private, load_or_create_key, private_part, private_path
from pipeline.errors import ConfigError

KEY = bytes(range(32))

NAMES = [
    pytest.param("13812345678_20261121", "138****5678_20261121~", id="mobile-in-file-name"),
    pytest.param("110101199003074514", "110101********4514~", id="id-card"),
    pytest.param("6222020200112233445_x", "622202*********3445_x~", id="bank-card"),
    pytest.param("20261121-000002", "20261121-000002", id="date-and-sequence-stay"),
    pytest.param("agent007_call42", "agent007_call42", id="short-numbers-stay"),
]


@pytest.mark.parametrize("name,shown", NAMES)
def test_private_part(name, shown):
    private = private_part(name, KEY)
    assert private.startswith(shown) and is_private(private) is shown.endswith("~")
    raw_digits = "".join(c for c in name if c.isdigit())
    if is_private(private):
        assert raw_digits not in "".join(c for c in private if c.isdigit())


def test_ids_are_stable_per_key_and_unique():
    a, b = "13812345678_20261121", "13800005678_20261121"  # same masked form
    assert private_part(a, KEY) == private_part(a, KEY)
    assert private_part(a, KEY).split("~")[0] == private_part(b, KEY).split("~")[0]
    assert private_part(a, KEY) != private_part(b, KEY)
    assert private_part(a, KEY) != private_part(a, bytes(32))


def test_folder_names_are_masked_too():
    shown = private_path("13812345678/2026-11-21/rec.wav", KEY)
    assert shown.startswith("138****5678~") and shown.endswith("/2026-11-21/rec.wav")


def test_scan_archive_masks_and_locate_finds_the_file_again(tmp_path):
    (tmp_path / "13812345678").mkdir()
    for relative in ("13812345678_20261121.wav", "13812345678/a.wav", "plain.wav"):
        (tmp_path / relative).write_bytes(b"RIFF")
    recordings = scan_archive(tmp_path, id_key=KEY).recordings
    shown = sorted(r.shown_path for r in recordings)
    assert all("12345678" not in s for s in shown) and "plain.wav" in shown
    assert all("12345678" not in r.call_id for r in recordings)
    for recording in recordings:
        assert locate(tmp_path, recording.shown_path, KEY) == recording.path
    assert locate(tmp_path, "138****5678_20261121~000000000000.wav", KEY) is None


def test_the_key_is_created_owner_only_and_kept(tmp_path):
    path = tmp_path / "out" / "callqa-id.key"
    key = load_or_create_key(path)
    assert len(key) == 32 and load_or_create_key(path) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("not a key\n")
    with pytest.raises(ConfigError, match="not a callqa id key"):
        load_or_create_key(path)
