"""Tests for the loading checks of bot/nlu/frustration_corpus.py: a malformed file in data/frustration is
refused with its file, line and the bad entry, never turned into training texts by `str()`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.nlu.frustration_corpus import (
    CALM_FILE, FRUSTRATED_FILE, FRUSTRATION_DATA, NLU_FRUSTRATED_FILE, CorpusFileError, frustrated_nlu_texts,
    in_domain_examples,
)

SARCASM = "categories:\n  sarcasm:\n    - oh brilliant, another automated reply\n    - {line}\n    - fantastic service\n"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped frustration files (the GoEmotions copy is not needed here)."""
    for name in (FRUSTRATED_FILE, CALM_FILE, NLU_FRUSTRATED_FILE):
        shutil.copy(FRUSTRATION_DATA / name, tmp_path / name)
    return tmp_path


def refusal(data_dir: Path, content: bytes, name: str = FRUSTRATED_FILE) -> str:
    """Write `content` to `name` and return the loader's refusal."""
    (data_dir / name).write_bytes(content)
    with pytest.raises(CorpusFileError) as refused:
        if name == NLU_FRUSTRATED_FILE:
            frustrated_nlu_texts(data_dir)
        else:
            in_domain_examples(data_dir)
    return str(refused.value)


@pytest.mark.parametrize("line, problem, fix", [
    ("cheers for nothing: again", "YAML reads 'cheers for nothing: again' in category 'sarcasm' as a key and a value",
     '- "cheers for nothing: again"'),
    ("no", "YAML reads 'no' in category 'sarcasm' as a yes/no value, not as the text 'no'", '- "no"'),
    ("10", "YAML reads '10' in category 'sarcasm' as a number", '- "10"'),
    ("", "a '- ' line without a message in category 'sarcasm'", "delete the line"),
    ("order #55213 never came", "YAML reads only 'order' of 'order #55213 never came' in category 'sarcasm'",
     '- "order #55213 never came"'),
    ('"oh great, another bot', "not valid YAML", "close the quote that starts on this line"),
])
def test_an_entry_yaml_does_not_read_as_text_is_refused_at_its_line(
    data_dir: Path, line: str, problem: str, fix: str,
) -> None:
    message = refusal(data_dir, SARCASM.format(line=line).encode())
    assert message.startswith(f"{data_dir / FRUSTRATED_FILE}:4: {problem}"), message
    assert fix in message.split(". Fix: ", 1)[1]


def test_a_category_written_on_one_line_is_refused_not_split_into_letters(data_dir: Path) -> None:
    message = refusal(data_dir, b"categories:\n  sarcasm: oh great, another bot\n")
    assert f"{FRUSTRATED_FILE}:2: category 'sarcasm' is one line of text ('oh great, another bot'), " \
           "not a list of messages" in message


def test_a_file_that_is_not_utf8_is_refused_with_its_line(data_dir: Path) -> None:
    message = refusal(data_dir, SARCASM.format(line="caf\xe9 service").encode("latin-1"), CALM_FILE)
    assert f"{CALM_FILE}:4: the file is not UTF-8 (byte 0xe9 on this line)" in message


def test_a_category_written_twice_is_refused_instead_of_losing_the_first(data_dir: Path) -> None:
    message = refusal(data_dir, b"categories:\n  sarcasm:\n    - one\n  threats:\n    - two\n  sarcasm:\n    - three\n")
    assert f"{FRUSTRATED_FILE}:6: category 'sarcasm' appears twice (first at line 2)" in message


def test_nlu_frustrated_texts_must_be_plain_text_too(data_dir: Path) -> None:
    message = refusal(data_dir, b"texts:\n  - hell no\n  - no\n", NLU_FRUSTRATED_FILE)
    assert f"{NLU_FRUSTRATED_FILE}:3: YAML reads 'no' in 'texts:' as a yes/no value" in message


def test_a_file_without_its_key_is_refused(data_dir: Path) -> None:
    message = refusal(data_dir, b"sarcasm:\n  - oh great\n")
    assert f"{FRUSTRATED_FILE}:1: the file has no 'categories:' key" in message


def test_quoted_entries_load_as_the_text_written(data_dir: Path) -> None:
    (data_dir / FRUSTRATED_FILE).write_text(SARCASM.format(line='"cheers for nothing: again"') + '    - "no"\n')
    texts = [example.text for example in in_domain_examples(data_dir) if example.frustrated]
    assert texts == ["oh brilliant, another automated reply", "cheers for nothing: again", "fantastic service", "no"]
