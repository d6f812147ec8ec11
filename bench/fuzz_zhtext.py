"""Coverage-guided fuzzing (atheris / libFuzzer) of the text helpers; optional, not in make test.

    .venv/svc/bin/pip install atheris==3.0.0   # not in requirements/services.lock (35 MB wheel)
    PYTHONPATH=. .venv/svc/bin/python bench/fuzz_zhtext.py -max_total_time=60

Any input on which normalize, spoken_digits_to_digits or an extractor raises, grows the
text, or makes up a digit stops the run with the input saved as ``crash-*`` (libFuzzer).
The same properties run under hypothesis in tests/hostile/test_hostile_text_fuzz.py.
"""

from __future__ import annotations

import sys

try:
    import atheris
except ImportError:
    sys.exit("atheris is not installed: .venv/svc/bin/pip install atheris==3.0.0")

with atheris.instrument_imports():
    from zhtext import (
        extract_case_number,
        extract_id_number,
        extract_phone,
        normalize,
        redact,
        spoken_digits_to_digits,
    )
    from zhtext.numbers import SPOKEN_DIGITS

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _digit_source(text: str) -> str:
    mapped = text.translate(FULLWIDTH_DIGITS)
    return "".join(
        SPOKEN_DIGITS.get(ch, ch) for ch in mapped if ch in SPOKEN_DIGITS or "0" <= ch <= "9"
    )


def _is_subsequence(small: str, big: str) -> bool:
    rest = iter(big)
    return all(ch in rest for ch in small)


def check(text: str) -> None:
    normal = normalize(text)
    assert len(normal) <= len(text) and normalize(normal) == normal, "normalize"
    spoken = spoken_digits_to_digits(normal)
    assert len(spoken) <= len(normal), "spoken digits grew the text"
    source = _digit_source(normal)
    digits = "".join(ch for ch in spoken if "0" <= ch <= "9")
    assert _is_subsequence(digits, source), "a digit was made up"
    for found in (extract_phone(text), extract_id_number(text), extract_case_number(text)):
        if found is not None:
            plain = found.removeprefix("XF").rstrip("X")
            assert _is_subsequence(plain, source), "an identifier was made up"
    redact(text)


def one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    check(provider.ConsumeUnicodeNoSurrogates(len(data)))


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
