"""The forms of the listening pages: every field bounded, every rule explained when it is broken."""

from __future__ import annotations

from typing import Any

from django import forms

from hubbub.core.models import Brand
from hubbub.core.networks import Network
from hubbub.listening.actions import SourceInput, TopicInput
from hubbub.listening.models import Source, SourceClass, SourceMatch, Topic, TopicKind
from hubbub.listening.queries import name_is_taken, source_match_is_taken
from hubbub.listening.rules import (
    MAX_LANGUAGES_CHARS,
    MAX_TERM_CHARS,
    MAX_TERMS_PER_TOPIC,
    RuleError,
    parse_languages,
    parse_terms,
)
from hubbub.listening.sources import MAX_HOST_CHARS, normalise_pattern

# Room for every term at its longest, one per line.
MAX_TERMS_TEXT = MAX_TERMS_PER_TOPIC * (MAX_TERM_CHARS + 2)


def _terms_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TERMS_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=help_text,
    )


class TopicForm(forms.Form):
    """A topic: its name, kind, terms, exclusions and languages."""

    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=TopicKind.choices)
    terms = _terms_field(
        "Terms and hashtags",
        f"One per line, at most {MAX_TERMS_PER_TOPIC}. Matched as whole words, ignoring case and accents; "
        "a plain term also matches its #hashtag. Never a pattern.",
    )
    exclusions = _terms_field(
        "Exclusions",
        "One per line. A post containing any of these does not count for this topic "
        '(e.g. "apple pie" for an Apple topic).',
    )
    languages = forms.CharField(
        required=False,
        max_length=MAX_LANGUAGES_CHARS,
        help_text="ISO codes such as en, es, pt. Empty: every language. Posts whose language cannot be "
        "told (too short) always count.",
    )

    def __init__(self, *args: Any, brand: Brand, topic: Topic | None = None, **kwargs: Any) -> None:
        self.brand = brand
        self.topic_id = topic.pk if topic is not None else None
        if topic is not None and "initial" not in kwargs:
            kwargs["initial"] = topic_initial(topic)
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if name_is_taken(Topic, self.brand, name, but=self.topic_id):
            raise forms.ValidationError("Another topic of this brand has that name.")
        return name

    def clean_terms(self) -> tuple[str, ...]:
        return _parsed(lambda: parse_terms(self.cleaned_data["terms"]))

    def clean_exclusions(self) -> tuple[str, ...]:
        return _parsed(lambda: parse_terms(self.cleaned_data["exclusions"], what="exclusion"))

    def clean_languages(self) -> tuple[str, ...]:
        return _parsed(lambda: parse_languages(self.cleaned_data["languages"]))

    def topic_input(self) -> TopicInput:
        """The valid form as the action takes it."""
        data = self.cleaned_data
        return TopicInput(data["name"], data["kind"], data["languages"], data["terms"], data["exclusions"])


def topic_initial(topic: Topic) -> dict[str, Any]:
    """A stored topic as its form shows it."""
    return {
        "name": topic.name,
        "kind": topic.kind,
        "terms": "\n".join(term.term for term in topic.terms.all()),
        "exclusions": "\n".join(term.term for term in topic.exclusions.all()),
        "languages": ", ".join(topic.language_codes),
    }


def _parsed(parse: Any) -> tuple[str, ...]:
    try:
        result: tuple[str, ...] = parse()
    except RuleError as error:
        raise forms.ValidationError(str(error)) from None
    return result


class SourceForm(forms.Form):
    """A source: its class and rating, and the site, community or account it matches."""

    name = forms.CharField(max_length=100)
    source_class = forms.ChoiceField(label="Class", choices=SourceClass.choices)
    rating = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        initial=3,
        help_text="How much the source weighs, 1 (little) to 5 (a lot); 3 and above add priority.",
    )
    match = forms.ChoiceField(label="Matches a", choices=SourceMatch.choices)
    pattern = forms.CharField(
        label="Site, community or handle",
        max_length=MAX_HOST_CHARS,
        help_text="rants.example.com (with its subdomains), r/acmesucks, or a handle such as acmefans.",
    )
    network = forms.ChoiceField(
        choices=[("", "—"), *Network.choices], required=False, help_text="For an account only."
    )
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, brand: Brand, source: Source | None = None, **kwargs: Any) -> None:
        self.brand = brand
        self.source_id = source.pk if source is not None else None
        if source is not None and "initial" not in kwargs:
            kwargs["initial"] = {field: getattr(source, field) for field in self.base_fields}
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if name_is_taken(Source, self.brand, name, but=self.source_id):
            raise forms.ValidationError("Another source of this brand has that name.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        match, pattern = data.get("match"), data.get("pattern")
        if match is None or pattern is None:
            return data
        try:
            data["pattern"] = normalise_pattern(match, pattern)
        except RuleError as error:
            self.add_error("pattern", str(error))
            return data
        if match != SourceMatch.ACCOUNT:
            data["network"] = ""
        elif not data.get("network"):
            self.add_error("network", "An account is matched on one network: choose it.")
            return data
        if source_match_is_taken(self.brand, match, data["network"], data["pattern"], but=self.source_id):
            self.add_error("pattern", "Another source of this brand already matches this.")
        return data

    def source_input(self) -> SourceInput:
        """The valid form as the action takes it."""
        data = self.cleaned_data
        return SourceInput(
            data["name"], data["source_class"], data["rating"], data["match"], data["pattern"],
            data["network"], data["enabled"],
        )  # fmt: skip
