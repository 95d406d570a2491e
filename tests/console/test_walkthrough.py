"""The console walkthrough, run as a person would: ``securebase console --script``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def run_script(script: Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SECUREBASE_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", "--script", str(script), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def blocks(output: str) -> list[tuple[str, str]]:
    """(input line, everything printed for it) pairs."""
    pairs: list[tuple[str, str]] = []
    for chunk in re.split(r"^(?=\w+> )", output, flags=re.MULTILINE):
        if chunk.strip():
            head, _, rest = chunk.partition("\n")
            pairs.append((head.split("> ", 1)[1], rest))
    return pairs


def test_walkthrough(tmp_path: Path) -> None:
    result = run_script(HERE / "walkthrough.txt", tmp_path / "demo.db")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    said = blocks(result.stdout)
    out = dict(said)  # the last answer to each distinct line

    assert "For moderators" in out["/help"]
    assert "── private to alex ──" in out["/lesson"] and "Lesson 1 of" in out["/lesson"]
    assert "[1] Mark as done   [2] Next lesson   [3] Quiz me" in out["/lesson"]
    assert "Marked as done" in next(text for line, text in said if line == "press Mark as done")
    assert "The pursuer–withdrawer cycle" in out["/lesson pursuer-withdrawer"]

    # self-reflection: consent, progress line, a result with a picture saved to a file
    assert "Before I keep anything" in out["/quiz"]
    answers = [text for line, text in said if line.startswith("press")]
    assert any("Question 16 of 16" in text for text in answers)
    result_text = next(text for text in answers if "Your self-reflection" in text)
    picture = re.search(r"\(picture saved: (.+\.png)\)", result_text)
    assert picture and Path(picture.group(1)).read_bytes().startswith(b"\x89PNG")
    assert "not a diagnosis" in result_text and "Closest to" in result_text

    # knowledge quiz: explanations after answers and a final score
    assert any("Not quite" in text or "Right" in text for text in answers)
    assert any(re.search(r"You scored \d+ of \d+", text) for text in answers)

    # setup by a moderator; refused for a member with nothing changed
    assert (
        "Weekly reflection prompts saved"
        in out["/setup prompts channel:#reflections day:monday time:18:00 timezone:Europe/Berlin"]
    )
    refused = out["/setup prompts channel:#random day:friday time:07:00 timezone:America/New_York"]
    assert "Only moderators can use" in refused and "Nothing was changed" in refused
    show = out["/setup show"]
    assert "#reflections" in show and "#random" not in show
    assert len(re.findall(r"Mon \d\d \w{3} \d{4}, 18:00 CET", show)) == 4

    post = out["/setup post-now what:prompt"]
    assert "── #reflections · " in post and "opened ──" in post and "opened a thread" in post
    assert "/faq" in out["/faq"]
    assert "findahelpline.com" in out["/resources"]
    export = out["/mydata export"]
    assert re.search(r"\(file saved: .+securebase-my-data-\d+\.json\)", export)
    assert re.search(r"\(file saved: .+securebase-my-data-\d+\.md\)", export)

    # bad inputs, each one clear line, and the session carries on
    one_line = {
        "/dance": 'Unknown command "dance". Try /help for the list.',
        "/setup prompts time:25:99": 'Time must be HH:MM (24-hour), got "25:99".',
        "/setup prompts timezone:Mars/Base": 'Unknown time zone "Mars/Base". Use an IANA name such as Europe/Berlin.',
    }
    for line, message in one_line.items():
        assert out[line].strip().splitlines() == ["── private to alex ──", message], line
    assert out["/lesson bananas"].strip().splitlines()[1].startswith('I don\'t have a lesson called "bananas".')

    # a press on a stale button
    assert out["press Mark as done"].strip().splitlines() == [
        "── private to alex ──",
        "That lesson isn't available here any more. /lesson shows your next one.",
    ]
    assert "Lessons:" in out["/progress"]
    assert "the clock is now" in out["advance 7d"]
    assert said[-1][0] == "quit"  # nothing after quit ran


def test_console_words_answer_mistakes_in_one_line(tmp_path: Path) -> None:
    script = tmp_path / "mistakes.txt"
    script.write_text(
        "press 1\nsubmit text=hi\nadvance soon\nas\nhello there\n/quiz attachment-basics\npress 9\n",
        encoding="utf-8",
    )
    result = run_script(script, tmp_path / "a.db")
    assert result.returncode == 0, result.stderr
    out = dict(blocks(result.stdout))
    expected = {
        "press 1": "There are no buttons to press yet: run a command first, e.g. /lesson.",
        "submit text=hi": "There is no open form: open one first, e.g. /journal then press Write an entry.",
        "advance soon": 'advance needs a duration such as 7d, 3h or 30m, got "soon".',
        "as": 'Use "as sam" to act as a member, or "as mia mod" for a moderator.',
    }
    for line, message in expected.items():
        assert out[line].strip().splitlines() == ["── private to alex ──", message], line
    assert out["press 9"].strip().splitlines()[1].startswith('No button "9" on the last message.')


def test_end_of_input_ends_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "SECUREBASE_DB": str(tmp_path / "x.db")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input="/help\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Secure Base" in result.stdout


def test_run_without_credentials_starts_the_console_demo(tmp_path: Path) -> None:
    env = {**os.environ, "SECUREBASE_DB": str(tmp_path / "run.db")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="/setup moderators users:@sam\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("No DISCORD_TOKEN or SLACK_BOT_TOKEN is set, so this is the console demo.")
    assert "these members may now use setup: @sam." in result.stdout


def test_scheduled_prompts_follow_the_simulated_clock(tmp_path: Path) -> None:
    result = run_script(HERE / "scheduling.txt", tmp_path / "sched.db")
    assert result.returncode == 0, result.stderr
    said = blocks(result.stdout)
    first_week, paused_week = (text for line, text in said if line == "advance 7d")
    assert len(re.findall(r"── #reflections · Mon \d\d \w{3} 17:00 UTC ──", first_week)) == 1
    assert "This week's reflection" in first_week and "[1] Write privately   [2] Share anonymously" in first_week
    assert re.search(r"── #reflections › thread t\d+ “Replies: .+” opened ──", first_week)
    assert "#reflections" not in paused_week and "the clock is now" in paused_week
    assert "Paused: prompts." in dict(said)["/setup pause prompts"]
    assert "Next: Mon" in dict(said)["/setup show"]
