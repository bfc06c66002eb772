from __future__ import annotations

import pytest

from hubbub.analysis.analyser import Analyser


@pytest.fixture(scope="session")
def analyser() -> Analyser:
    return Analyser(find_terms=find_terms)


def find_terms(text: str) -> tuple[str, ...]:
    # The real matcher lives in hubbub.listening, a sibling package; `hubbub analyze` tests use it.
    return tuple(term for term in ("refund", "Acme") if term.lower() in text.lower())
