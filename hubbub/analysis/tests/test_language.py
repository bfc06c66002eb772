from __future__ import annotations

from collections import Counter

import pytest
from py3langid.langid import MODEL_FILE, visit_counts
from py3langid.langid import LanguageIdentifier as Py3LangId

from hubbub.analysis.language import CANDIDATES, MAX_LANGUAGE_BYTES, _encode, language_identifier

TEXTS = [
    "The delivery was late again and nobody answers the phone",
    "Le colis n'est toujours pas arrivé, c'est inadmissible",
    "Das Paket ist immer noch nicht angekommen, unglaublich",
    "El paquete todavía no ha llegado, es inaceptable",
    "O pacote ainda não chegou, isso é inaceitável",
    "Il pacco non è ancora arrivato, è inaccettabile",
    "الطرد لم يصل بعد وهذا غير مقبول على الإطلاق",
    "I LOVE THIS NEW PHONE SO MUCH!!!",
    "mixed: the café in Zürich is 😍 مرحبا",
]


@pytest.fixture(scope="module")
def reference() -> Py3LangId:
    identifier = Py3LangId.from_model_file(MODEL_FILE)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def test_batched_features_are_exactly_py3langids(reference):
    counts = language_identifier().feature_counts(TEXTS)

    for row, text in enumerate(TEXTS):
        expected = visit_counts(reference.tk_nextmove, reference._rowbase, reference.tk_output, _encode(text))
        found = counts[row]
        assert dict(zip(found.indices.tolist(), found.data.astype(int).tolist(), strict=True)) == dict(
            expected or Counter()
        )


@pytest.mark.parametrize(
    "extra",
    [
        ["Je suis alle\u0301 au cafe\u0301, c'e\u0301tait ferme\u0301"],  # composed by NFC
        ["a text with a NUL\0 inside it"],
        ["une tre\u0300s longue lettre " + "é" * 1_500, "next text after the long one"],  # cut at 2,000 bytes
    ],
)
def test_batched_features_are_py3langids_for_texts_cut_composed_or_holding_nul(reference, extra):
    texts = [*TEXTS[:3], *extra, TEXTS[3]]
    counts = language_identifier().feature_counts(texts)

    for row, text in enumerate(texts):
        encoded = _encode(text)[:MAX_LANGUAGE_BYTES]
        expected = visit_counts(reference.tk_nextmove, reference._rowbase, reference.tk_output, encoded)
        found = counts[row]
        assert dict(zip(found.indices.tolist(), found.data.astype(int).tolist(), strict=True)) == dict(
            expected or Counter()
        )


def test_batched_languages_are_py3langids_restricted_to_the_candidates(reference):
    assert language_identifier().identify(TEXTS) == [reference.classify(text)[0] for text in TEXTS]


def test_identifies_seven_languages_in_their_own_script():
    assert language_identifier().identify(TEXTS[:7]) == ["en", "fr", "de", "es", "pt", "it", "ar"]


def test_texts_with_too_few_letters_get_no_language():
    assert language_identifier().identify(["", "😍😍😍🔥", "ok 123 !!!", "https://x.y"]) == ["", "", "", ""]
