"""Plain words for the ear: spec prose, example values and conversations read aloud."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache

from specc import ir
from specc.naming import escape_surrogates, words

_FENCE = re.compile(r"(```|~~~)[^\n]*\n.*?(\1|\Z)", re.S)
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_CODE = re.compile(r"`([^`]*)`")
_ELIDED = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]")
_STAGE = re.compile(r"\[\s*(?:\.\.\.|…)\s*(.*?)\s*(?:\.\.\.|…)?\s*\]", re.S)
_SELF_LINK = re.compile(r"\[\?\]\(#([^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|~~)")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)
_HEADING = re.compile(r"^\s*#+\s*", re.M)
_DASHES = re.compile(r"\s*(?:---|—|--)\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_IDENT = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")
#: Lower-case words that make a sentence of prose read as a requirement.
_NORMATIVE = re.compile(
    r"\b(must|should|shall|never|always|may not|cannot|can't|do not|don't|"
    r"required|prohibited|forbidden)\b",
    re.I,
)
_VOWEL_SOUND = re.compile(r"^(?:[aeio]|u(?![nr]i|se|sa|ti))", re.I)
_NUMBERS = "zero one two three four five six seven eight nine ten".split()

#: How each conversation role is introduced when a turn is read out.
ROLE_VERBS = {
    "system": "The system prompt says",
    "developer": "The developer says",
    "user": "The user says",
    "assistant": "The assistant says",
    "tool": "A tool returns",
}


@lru_cache(maxsize=8192)
def spoken(markdown: str) -> str:
    """Return Markdown prose as one line of plain text for reading aloud."""
    text = html.unescape(markdown)
    text = _FENCE.sub(" (a block of code) ", text)
    text = _FOOTNOTE.sub("", text)
    text = _ELIDED.sub("…", text)
    text = _STAGE.sub(r"(\1)", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _CODE.sub(lambda m: _ident_words(m.group(1)), text)
    text = _HEADING.sub("", text)
    text = _BULLET.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    text = _IDENT.sub(lambda m: m.group(0).replace("_", " "), text)
    text = _DASHES.sub(", ", text)
    text = " ".join(text.split())
    return re.sub(r"\s+([,.;:!?])", r"\1", text).strip(" ,")


def resolve_links(markdown: str, titles: dict[str, str]) -> str:
    """Return Markdown whose `[?](#id)` links carry the title of the rule they point at."""
    if "[?](" not in markdown:
        return markdown
    return _SELF_LINK.sub(
        lambda m: f"[{titles.get(m.group(1), name_words(m.group(1)))}](#{m.group(1)})",
        markdown,
    )


def _ident_words(code: str) -> str:
    """Return inline code as words when it is an identifier, else as written."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", code):
        return " ".join(words(code)) if "_" in code else code
    return code


def abridge(text: str, limit: int) -> str:
    """Return ``text`` cut to about ``limit`` words, at a sentence end when one is near."""
    parts = text.split()
    if len(parts) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate.split()) > limit:
            break
        kept = candidate
    if len(kept.split()) < limit // 2:
        kept = " ".join(parts[:limit]).rstrip(",;:")
    return kept.rstrip() + " …"


def is_normative(statement: ir.Statement) -> bool:
    """Return whether a statement states a requirement, in capitals or in lower case."""
    return bool(statement.strength) or bool(_NORMATIVE.search(statement.text))


def count(number: int) -> str:
    """Return a small count as a word (`three`), larger ones as digits."""
    return _NUMBERS[number] if 0 <= number < len(_NUMBERS) else str(number)


def article(noun: str) -> str:
    """Return ``noun`` with `a` or `an` in front."""
    return f"{'an' if _VOWEL_SOUND.match(noun) else 'a'} {noun}"


def plural(noun: str) -> str:
    """Return the plural of a noun, by the common English endings."""
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    return noun + "s"


def name_words(name: str) -> str:
    """Return an identifier as lower-case words (`add_task` -> `add task`)."""
    return " ".join(words(name)) or name


def join_words(
    items: list[str], separator: str = ", ", conjunction: str = "and"
) -> str:
    """Return `a`, `a and b`, or `a, b and c` (or `;`-separated, or with `or`)."""
    if len(items) <= 1:
        return "".join(items)
    last = f" {conjunction} " if separator == ", " else f"{separator}{conjunction} "
    return separator.join(items[:-1]) + last + items[-1]


def quote(text: str) -> str:
    """Return a string value in typographic quotes, as it is read out (a lone
    surrogate, which no script file could hold, as the spec wrote it: `\\udc00`)."""
    return f"“{escape_surrogates(text)}”"


class ValueSpeaker:
    """Reads typed example values aloud: one method per value kind."""

    #: Most items a list or map is read out with before it is summarised.
    MAX_ITEMS = 4
    #: Fields whose string value names the thing (`a task called “Buy milk”`).
    NAMING_FIELDS = ("title", "name", "label")

    def __call__(self, value: ir.Value) -> str:
        say: Callable[[ir.Value], str] = getattr(self, f"say_{value.kind}")
        return say(value)

    def say_bool(self, v: ir.BoolValue) -> str:
        return "true" if v.value else "false"

    def say_int(self, v: ir.IntValue) -> str:
        return f"minus {-v.value}" if v.value < 0 else str(v.value)

    def say_float(self, v: ir.FloatValue) -> str:
        text = v.text.lstrip("-")
        return f"minus {text}" if v.value < 0 or v.text.startswith("-") else text

    def say_string(self, v: ir.StringValue) -> str:
        text = v.value
        if text == "":
            return "an empty string"
        if not text.strip():
            spaces = len(text)
            kind = "space" if set(text) == {" "} else "blank character"
            return (
                f"a string of {count(spaces)} {kind if spaces == 1 else plural(kind)}"
            )
        shown = quote(abridge(" ".join(text.split()), 16))
        if text != text.strip():
            return f"{shown} with spaces around it"
        return shown

    def say_bytes(self, v: ir.BytesValue) -> str:
        if not v.value:
            return "no bytes"
        return "the bytes " + self._listing([str(b) for b in v.value])

    def say_none(self, v: ir.NoneValue) -> str:
        return "nothing"

    def say_enum(self, v: ir.EnumValue) -> str:
        return name_words(v.member)

    def say_list(self, v: ir.ListValue) -> str:
        items = v.items
        if not items:
            return "an empty list"
        if len(items) == 1:
            return "a list with just " + self(items[0])
        noun = self._common_noun(items)
        if noun:
            head = f"a list of {count(len(items))} {plural(noun)}"
            return f"{head}: {self._listing(self._members(items))}"
        return "a list of " + self._listing([self(i) for i in items])

    def _members(self, items: list[ir.Value]) -> list[str]:
        """Return list items once their noun is said (`one called “A”`, `a rect …`)."""
        return [
            self.record_phrase(i, "one") if isinstance(i, ir.RecordValue) else self(i)
            for i in items
        ]

    def say_map(self, v: ir.MapValue) -> str:
        if not v.entries:
            return "an empty map"
        said = [f"from {self(e.key)} to {self(e.value)}" for e in v.entries]
        return "a map " + self._listing(said)

    def say_record(self, v: ir.RecordValue) -> str:
        return self.record_phrase(v, article(name_words(v.record)))

    def say_variant(self, v: ir.VariantValue) -> str:
        return self.record_phrase(v, article(name_words(v.tag)))

    def record_phrase(self, v: ir.Value, head: str) -> str:
        """Return a record or variant as `head` and its explicit fields."""
        fields = getattr(v, "fields", None)
        if fields is None:
            return self(v)
        said = [self.field_phrase(f) for f in fields if f.explicit]
        said = [s for s in said if s]
        if not said and isinstance(v, ir.RecordValue):
            return f"{head} with every field at its default"
        qualifiers = self._qualifiers(said)
        if len(qualifiers) > 1 and any(q.startswith("whose ") for q in qualifiers):
            # Nested values get commas, so whose field is whose stays clear.
            return f"{head} {', '.join(qualifiers[:-1])}, and {qualifiers[-1]}"
        return " ".join([head, *qualifiers])

    def field_phrase(self, field: ir.FieldValue) -> str:
        """Return one explicit field as a qualifier (`called “A”`, `that is done`)."""
        name, value = name_words(field.name), field.value
        if value.kind == "none":
            return f"with no {name}"
        if field.name in self.NAMING_FIELDS and value.kind == "string":
            return "called " + self(value)
        if value.kind == "bool":
            return f"that is {'' if value.value else 'not '}{name}"
        if value.kind == "list" and value.items:
            if self._common_noun(value.items):
                return f"with {name}: " + self._listing(self._members(value.items))
            return f"with {name} " + self._listing([self(i) for i in value.items])
        if value.kind == "list":
            return f"with no {name}"
        if value.kind in ("record", "variant", "map"):
            return f"whose {name} is {self(value)}"
        return f"with {name} {self(value)}"

    def _qualifiers(self, said: list[str]) -> list[str]:
        """Join `with` phrases with `and`, keep `called` and `that is` phrases apart."""
        out: list[str] = []
        for phrase in said:
            if out and phrase.startswith("with ") and out[-1].startswith("with "):
                out[-1] = f"{out[-1]} and {phrase.removeprefix('with ')}"
            elif out and phrase.startswith("that is ") and "that is " in out[-1]:
                out[-1] = f"{out[-1]} and {phrase.removeprefix('that ')}"
            else:
                out.append(phrase)
        return out

    def _common_noun(self, items: list[ir.Value]) -> str | None:
        """Return the shared record or variant noun of list items, if they share one."""
        nouns = {
            (
                name_words(i.record)
                if isinstance(i, ir.RecordValue)
                else name_words(i.variant) if isinstance(i, ir.VariantValue) else None
            )
            for i in items
        }
        return nouns.pop() if len(nouns) == 1 and None not in nouns else None

    def _listing(self, said: list[str]) -> str:
        """Return items joined for speech, summarised past `MAX_ITEMS`."""
        if len(said) > self.MAX_ITEMS:
            shown = ", ".join(said[:2])
            return f"{count(len(said))} items, starting with {shown}"
        if len(said) > 1 and any(" and " in s or ", " in s for s in said):
            # A serial comma keeps `and` inside an item apart from the list's own.
            return f"{', '.join(said[:-1])}, and {said[-1]}"
        return join_words(said)


def example_sentence(
    spec: ir.Spec, example: ir.Example, say: ValueSpeaker | None = None
) -> str:
    """Return a code example as a sentence (`Calling add task with … gives …`)."""
    say = say or ValueSpeaker()
    function = spec.function(example.function)
    names = [p.name for p in function.params] if function else []
    args = [
        f"{name_words(name)} set to {say(value)}"
        for name, value in zip(names, example.args, strict=True)
    ]
    call = f"Calling {name_words(example.function)}"
    if len(args) == 1 and ", " not in args[0]:
        call += f" with {args[0]}"
    elif args:
        # Commas around the arguments keep `and` inside a value unambiguous.
        call += f" with {', '.join(args[:-1])}, and {args[-1]},"
    if example.expect == "raises" and example.raises is not None:
        return f"{call} is rejected with {_error_phrase(spec, example.raises, say)}."
    assert example.result is not None
    verb = "gives about" if example.expect == "approx" else "gives"
    return f"{call} {verb} {say(example.result)}."


def _error_phrase(spec: ir.Spec, raised: ir.ExpectedError, say: ValueSpeaker) -> str:
    """Return an expected error as `the error no such task, with index 3`."""
    phrase = f"the error {name_words(raised.error)}"
    details = [f"{name_words(f.name)} {say(f.value)}" for f in raised.fields]
    if details:
        phrase += ", with " + join_words(details)
    decl = spec.type(raised.error)
    if isinstance(decl, ir.Error) and decl.message:
        phrase += f": {escape_surrogates(decl.message)}"
    return phrase


_PRIMITIVE_NOUNS = {
    "bool": "true or false value",
    "int": "whole number",
    "float": "number",
    "string": "string",
    "bytes": "byte string",
}


def type_noun(ref: ir.TypeRef) -> str:
    """Return a type as a singular noun phrase (`list of tasks`)."""
    if ref.kind == "primitive":
        return _PRIMITIVE_NOUNS[str(ref.name)]
    if ref.kind == "named":
        return name_words(str(ref.name))
    if ref.kind == "list":
        return "list of " + _plural_phrase(type_noun(ref.args[0]))
    if ref.kind == "map":
        return f"map from {type_noun(ref.args[0])} to {type_noun(ref.args[1])}"
    return f"optional {type_noun(ref.args[0])}"


def _plural_phrase(noun: str) -> str:
    """Return a noun phrase in the plural (`list of tasks` -> `lists of tasks`)."""
    head, sep, rest = noun.partition(" ")
    if rest.startswith(("of ", "from ", "or ")):
        return plural(head) + sep + rest
    if head == "optional":
        return "optional " + _plural_phrase(rest)
    return (
        plural(noun)
        if " " not in noun
        else noun.rsplit(" ", 1)[0] + " " + plural(noun.rsplit(" ", 1)[1])
    )


def declaration_phrase(decl: ir.TypeDecl | ir.Function) -> str:
    """Return a declaration as a noun phrase (`an enum called priority, with …`)."""
    name = name_words(decl.name)
    if isinstance(decl, ir.Enum):
        members = join_words([name_words(m.name) for m in decl.members])
        return f"an enum called {name}, with the values {members}"
    if isinstance(decl, ir.Record):
        fields = join_words([name_words(f.name) for f in decl.fields])
        return (
            f"a record called {name}, with the fields {fields}"
            if fields
            else (f"a record called {name}, with no fields")
        )
    if isinstance(decl, ir.Variant):
        tags = join_words([article(name_words(t.name)) for t in decl.tags], ", ", "or")
        return f"a variant called {name}, which is {tags}"
    if isinstance(decl, ir.Alias):
        return f"{name}, another name for {article(type_noun(decl.target))}"
    if isinstance(decl, ir.Error):
        if decl.message:
            return f"an error called {name}, saying {quote(decl.message)}"
        fields = join_words([name_words(f.name) for f in decl.fields])
        return f"an error called {name}" + (
            f", which carries {fields}" if fields else ""
        )
    return _function_phrase(decl)


def _function_phrase(fn: ir.Function) -> str:
    """Return a function signature in words."""
    params = join_words([name_words(p.name) for p in fn.params])
    said = f"the operation {name_words(fn.name)}, which takes "
    said += params if params else "nothing"
    said += f" and gives back {article(type_noun(fn.returns))}"
    if fn.raises:
        errors = join_words([name_words(e) for e in fn.raises], ", ", "or")
        said += f", or fails with {errors}"
    return said
