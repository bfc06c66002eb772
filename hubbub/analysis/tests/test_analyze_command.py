from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIELDS = {
    "line", "language", "sentiment", "sentiment_score", "emotion", "emotion_score", "intent",
    "intent_reason", "decision", "decision_reason", "call_for_help", "call_for_help_score", "irony",
    "offensive", "virality_risk", "virality_level", "virality_parts", "urgency", "urgency_level",
    "urgency_parts", "matched_terms", "rejected", "note",
}  # fmt: skip


def hubbub(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-c", "from hubbub.cli import main; main()", *args]
    return subprocess.run(command, input=stdin, capture_output=True, timeout=120, check=False)


def lines_of(output: bytes) -> list[dict]:
    return [json.loads(line) for line in output.decode().splitlines()]


@pytest.fixture(scope="module")
def text_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess[bytes], Path]:
    folder = tmp_path_factory.mktemp("analyze")
    posts = folder / "posts.txt"
    posts.write_bytes(
        b"I love this phone, best purchase of the year!\n"
        b"\n"
        b"My refund still hasn't arrived, this is unacceptable\n"
        + b"\xff\xfe\x00\x01\x02\x03\x04\x05\n"
        + "😡😡😡\n".encode()
    )
    terms = folder / "terms.txt"
    terms.write_text("refund\nphone\n", encoding="utf-8")
    return hubbub("analyze", str(posts), "--terms", str(terms)), folder


def test_analyze_writes_one_json_line_per_input_line_with_every_field(text_run):
    result, _ = text_run
    lines = lines_of(result.stdout)

    assert result.returncode == 0
    assert [line["line"] for line in lines] == [1, 2, 3, 4, 5]
    assert all(set(line) == FIELDS for line in lines)
    assert [line["matched_terms"] for line in lines] == [["phone"], [], ["refund"], [], []]
    assert lines[0]["sentiment"] == "positive"
    assert lines[2]["decision"] == "service_recovery"


def test_analyze_rejects_empty_and_binary_lines_with_a_reason(text_run):
    result, _ = text_run
    lines = lines_of(result.stdout)

    assert [line["rejected"] for line in lines] == [
        None,
        "empty text",
        None,
        "binary or undecodable content",
        None,
    ]


def test_analyze_writes_progress_to_stderr_only(text_run):
    result, _ = text_run

    assert result.stderr.startswith(b"analysed 5 lines in ")
    assert all(line.startswith(b'{"line": ') for line in result.stdout.splitlines())


def test_analyze_reads_stdin_and_jsonl_with_a_text_field():
    stdin = (
        b'{"text": "worst service ever, still waiting for my refund", "followers": 2000000, "likes": 900}\n'
    )
    stdin += b'{"id": 7}\nnot json\n'

    result = hubbub("analyze", "-", stdin=stdin)
    lines = lines_of(result.stdout)

    assert result.returncode == 0
    assert [line["rejected"] for line in lines] == [None, 'no "text" string field', "not a JSON object"]
    assert lines[0]["virality_level"] == "high"
    assert lines[0]["virality_parts"][0] == {"label": "reach: 2,000,000 followers", "points": 45}


def test_analyze_reads_plain_text_from_stdin():
    result = hubbub("analyze", "-", stdin="thanks so much, you are great\n¿dónde está mi pedido?\n".encode())

    assert [line["line"] for line in lines_of(result.stdout)] == [1, 2]


def test_analyze_fails_cleanly_on_a_missing_file(tmp_path):
    result = hubbub("analyze", str(tmp_path / "missing.txt"))

    assert result.returncode == 1
    assert b"No such file or directory" in result.stderr
    assert result.stdout == b""


SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.mark.skipif(
    not (SHARED_DATA / "tweeteval").is_dir(), reason="needs ../shared/data (not in the repository)"
)
def test_eval_prints_every_task_beside_vader_and_the_throughput_of_both():
    result = hubbub("eval", "--data", str(SHARED_DATA), "--posts", "400")
    output = result.stdout.decode()

    assert result.returncode == 0, result.stderr
    for title in (
        "sentiment - hubbub: macro recall",
        "emotion - hubbub: macro F1",
        "irony - hubbub: F1 of irony",
        "offensive - hubbub: macro F1",
        "hate - hubbub: macro F1",
        "sentiment - VADER: macro recall",
        "language - hubbub (py3langid, batched): accuracy",
    ):
        assert title in output
    assert "VADER alone" in output
    assert "ratio to VADER" in output


def test_eval_fails_cleanly_without_the_data(tmp_path):
    result = hubbub("eval", "--data", str(tmp_path))

    assert result.returncode == 1
    assert b"no tweeteval folder" in result.stderr
