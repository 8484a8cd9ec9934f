"""The memo that keeps pure results between builds: one line per entry, read only when asked for."""

from __future__ import annotations

import json
import logging

import pytest
from plugin_core.memo import HEADER, Memo, key


def test_results_come_back_in_a_later_build_and_only_used_entries_are_kept(tmp_path):
    path = tmp_path / "memo.json"
    first = Memo(path)
    first.put(key("a"), {"title": "Tab\there, newline\nthere, \u00e9", "sizes": [1, 2.5]})
    first.put(key("b"), "kept for later")
    first.put(key("c"), 3)
    first.save()
    lines = path.read_text("utf-8").splitlines()
    assert lines[0] + "\n" == HEADER and len(lines) == 4
    assert all(line.count("\t") == 1 for line in lines[1:])  # a tab inside a result is escaped

    second = Memo(path)
    assert second.get(key("a")) == {"title": "Tab\there, newline\nthere, \u00e9", "sizes": [1, 2.5]}
    second.keep(key("b"))  # kept without being read
    second.keep(key("never stored"))
    second.save()
    third = Memo(path)
    assert third.get(key("a"))["sizes"] == [1, 2.5] and third.get(key("b")) == "kept for later"
    assert third.get(key("c")) is None  # not used by the second build: dropped


def test_each_get_is_a_new_object_so_a_caller_cannot_change_what_is_kept(tmp_path):
    memo = Memo(tmp_path / "memo.json")
    memo.put(key("a"), {"n": [1]})
    memo.get(key("a"))["n"].append(2)
    assert memo.get(key("a")) == {"n": [1]}


def test_an_unchanged_memo_is_not_written_again(tmp_path):
    path = tmp_path / "memo.json"
    memo = Memo(path)
    memo.put(key("a"), [1, 2])
    memo.save()
    path.touch()
    before = path.stat().st_mtime_ns
    again = Memo(path)
    again.put(key("a"), [1, 2])  # the same result, put again
    again.save()
    assert path.stat().st_mtime_ns == before


@pytest.mark.parametrize("damage", [
    "{not json",  # a file cut or garbled
    json.dumps({"format": 1, "entries": {key("a"): 1}}),  # the layout before lines
    HEADER + "no tab on this line\n",
    b"\xff\xfe not utf-8",
])
def test_a_damaged_or_older_file_is_taken_as_empty_and_rewritten(tmp_path, caplog, damage):
    path = tmp_path / "memo.json"
    path.write_bytes(damage if isinstance(damage, bytes) else damage.encode("utf-8"))
    with caplog.at_level(logging.INFO):
        memo = Memo(path)
    assert memo.get(key("a")) is None
    memo.put(key("a"), 2)
    memo.save()
    assert Memo(path).get(key("a")) == 2


def test_a_damaged_entry_is_worked_out_again_and_the_others_are_kept(tmp_path, caplog):
    path = tmp_path / "memo.json"
    path.write_text(f'{HEADER}{key("a")}\t{{"cut":\n{key("b")}\t[1]\n', "utf-8")
    memo = Memo(path)
    with caplog.at_level(logging.INFO):
        assert memo.get(key("a")) is None
    assert "damaged entry" in caplog.text and memo.get(key("b")) == [1]
    memo.put(key("a"), "again")
    memo.save()
    assert Memo(path).get(key("a")) == "again"


def test_a_key_must_fit_on_its_line(tmp_path):
    with pytest.raises(ValueError, match="one line without tabs"):
        Memo(tmp_path / "memo.json").put("a\tb", 1)
