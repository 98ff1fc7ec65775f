"""Clean staff text: no invisible characters that reorder or hide what readers see.

A bidirectional override (U+202E) in a headline makes "gnp.exe" read "exe.png" on every
page, feed, JSON answer and CSV cell that repeats it; a zero-width space hides a word from
search. ``StaffTextMixin`` goes on every model staff write:

- single-line fields (every plain ``CharField``: headlines, names, roles, source titles)
  lose such characters whenever the object is cleaned or saved, so the admin, the imports
  and the loaders all store the same clean text;
- multi-line fields (every ``TextField``: bodies, standfirsts, notes, quotes) are refused
  with an error naming the character and where it is, because there the author must
  decide what the text should be. ``full_clean()`` reports it next to the field; a save
  that skipped ``full_clean()`` (a loader) raises it.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models

INVISIBLE_CONTROLS = frozenset(
    "\u061c"  # Arabic letter mark
    "\u180e"  # Mongolian vowel separator
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # bidirectional embeddings, pop, overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # bidirectional isolates
    "\ufeff"  # zero-width no-break space (byte-order mark)
)
# The zero-width joiner builds emoji (a family, a flag) in a body's text: only single lines lose it.
ALLOWED_IN_BODIES = frozenset("\u200d")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE_CONTROLS)) + "]")
_BODY_RE = re.compile("[" + "".join(sorted(INVISIBLE_CONTROLS - ALLOWED_IN_BODIES)) + "]")


def strip_invisible(value):
    return _INVISIBLE_RE.sub("", value) if isinstance(value, str) else value


def invisible_character_error(value):
    """The message for the first forbidden invisible character in ``value``, or None."""
    found = _BODY_RE.search(value) if isinstance(value, str) else None
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "INVISIBLE CONTROL CHARACTER")
    return (
        f"Contains an invisible character, U+{ord(char):04X} {name}, at character {found.start() + 1}. "
        "It can reorder or hide text for readers: delete it (retype the text around it) and save again."
    )


def _single_line_fields(instance):
    return [field for field in instance._meta.concrete_fields if type(field) is models.CharField and not field.choices]


def _body_fields(instance):
    return [field for field in instance._meta.concrete_fields if isinstance(field, models.TextField)]


class StaffTextMixin:
    """For a model staff write (put it before ``models.Model``): see the module's docstring."""

    def strip_invisible_characters(self):
        for field in _single_line_fields(self):
            setattr(self, field.attname, strip_invisible(getattr(self, field.attname)))

    def invisible_character_errors(self, exclude=()):
        errors = {}
        for field in _body_fields(self):
            if field.name not in (exclude or ()):
                message = invisible_character_error(getattr(self, field.attname))
                if message:
                    errors[field.name] = [message]
        return errors

    def clean_fields(self, exclude=None):
        self.strip_invisible_characters()
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, messages in self.invisible_character_errors(exclude).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.strip_invisible_characters()
        errors = self.invisible_character_errors()
        if errors:
            raise ValidationError(errors)
        super().save(*args, **kwargs)
