"""What a comment's words are checked for: links, banned and suspect words, and safeguarding.

Pure functions over text, so each rule can be read and tested on its own. The form
(comments/forms.py) and the submission service (comments/services.py) decide what to
do with the answers.
"""

import functools
import hashlib
import re
import unicodedata

# Characters that reorder or hide text: bidirectional overrides and isolates, and
# zero-width spaces and joiners outside emoji. They are removed from what readers
# submit, so "‮gnp.exe" cannot pose as "exe.png" and "sp​am" cannot slip a word filter.
INVISIBLE_CONTROLS = {
    "\u061c",  # Arabic letter mark
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",  # left-to-right embedding
    "\u202b",  # right-to-left embedding
    "\u202c",  # pop directional formatting
    "\u202d",  # left-to-right override
    "\u202e",  # right-to-left override
    "\u2060",  # word joiner
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u2068",  # first strong isolate
    "\u2069",  # pop directional isolate
    "\ufeff",  # zero-width no-break space
}
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE_CONTROLS)) + "]")
# Other control characters except tab and newlines.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    """The text as stored: controls and invisible reordering characters removed, newlines normalised."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    value = _INVISIBLE_RE.sub("", value)
    value = _CONTROL_RE.sub("", value)
    return value.strip()


def normalise_email(value):
    """An email address as stored and compared: trimmed and lower-cased, so ``Sam@Example.ORG`` is ``sam@example.org``."""
    return clean_text(value).lower()


def normalise_for_matching(value):
    """Compatibility-folded, case-folded, whitespace-collapsed: what the filters compare."""
    value = unicodedata.normalize("NFKC", clean_text(value)).casefold()
    value = value.replace("\u200d", "")  # a joiner inside a word must not hide it
    return re.sub(r"\s+", " ", value).strip()


def fingerprint(value):
    """A digest of the normalised text: two comments with the same fingerprint say the same thing."""
    return hashlib.sha256(normalise_for_matching(value).encode()).hexdigest()


# Links: anything a reader would follow, with or without a scheme.
URL_RE = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_LINKISH_RE = re.compile(
    r"\b(?:https?://|www\.)\S+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|info|biz|xyz|top|ru|io|co|uk|me|online|site|shop)\b(?:/\S*)?",
    re.IGNORECASE,
)


def count_links(value):
    return len(_LINKISH_RE.findall(unicodedata.normalize("NFKC", clean_text(value))))


def find_words(value, words):
    """The words or phrases (case-insensitive, whole words) that appear in value."""
    text = normalise_for_matching(value)
    any_word, patterns = _word_patterns(tuple(words))
    if any_word is None or not any_word.search(text):  # most comments: one search, not one per word
        return []
    return [word for word, pattern in patterns if pattern.search(text)]


@functools.lru_cache(maxsize=16)
def _word_patterns(words):
    """A pattern for any of the words, and each word with its own; normalised and compiled once per process per list.

    Both lists are read on every comment (services.moderation_words): this is what they cost
    after the first comment, rather than normalising and compiling each word each time.
    """
    patterns, needles = [], []
    for word in words:
        needle = normalise_for_matching(word)
        if needle:
            needles.append(re.escape(needle))
            patterns.append((word, re.compile(r"(?<!\w)" + needles[-1] + r"(?!\w)")))
    # Any of them, to answer "none" in one search; which ones is then asked word by word (they may overlap).
    any_word = re.compile(r"(?<!\w)(?:" + "|".join(needles) + r")(?!\w)") if needles else None
    return any_word, tuple(patterns)


# Safeguarding: does the comment appear to name a child or a school? Deliberately
# cautious: a false alarm costs a moderator a minute, a miss can identify a child.
_NOT_NAMES = {  # nomut: start (a stop list: docs/testing.md)
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "had", "has", "have", "he", "her", "his", "i",
    "in", "is", "it", "just", "now", "of", "on", "or", "our", "she", "so", "still", "that", "the", "their",
    "then", "they", "this", "to", "too", "was", "we", "went", "were", "when", "who", "with", "got",
    "my", "your", "year", "years", "aged", "age", "mum", "dad", "who's", "cannot", "can't", "didn't", "does",
    "doesn't", "did", "will", "would", "could", "should", "may", "might", "also", "always", "never", "last",
    "every", "after", "before", "since", "because", "if", "september", "january", "february", "march",
    "april", "june", "july", "august", "october", "november", "december", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "send", "ehcp", "ehc", "sen", "senco", "adhd", "asd", "autism",
    "england", "council", "school", "primary", "academy", "college",
}  # fmt: skip
# nomut: end
_NAME = r"\b([A-Z][a-z'’-]+(?:[ -][A-Z][a-z'’-]+)?)\b"
_CHILD_WORDS = (
    r"son|daughter|child|kid|boy|girl|grandson|granddaughter|grandchild|nephew|niece|stepson|stepdaughter"
    r"|foster (?:son|daughter|child)|twins?|toddler|little one|youngest|eldest|oldest|pupil|student"
)
_CHILD_PATTERNS = [
    # "my son Tom", "our daughter, Ella", "my child called Sam", "my son is called Tom"
    re.compile(
        r"(?i:\b(?:my|our|her|his|their|a|the)\s+(?:[\w-]+\s+){0,2}(?:" + _CHILD_WORDS + r"))"
        r"\s*[,:(]?\s*(?i:(?:is\s+)?(?:called|named)\s+)?" + _NAME
    ),
    # "Tom, aged 7", "Tom (age 7)", "Tom aged seven"
    re.compile(
        _NAME
        + r"\s*[,(]?\s*(?i:aged?|age:)\s*(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen)\b"
    ),
    # "Tom, 7, ..." is too ambiguous; "Tom (7)" and "Tom, 7 years old" are not
    re.compile(_NAME + r"\s*(?:\(\s*\d{1,2}\s*\)|,?\s+\d{1,2}\s*(?i:years?\s+old|yrs?\s+old|y/o|yo)\b)"),
    # "7-year-old Tom", "seven year old Ella"
    re.compile(r"(?i:\b(?:\d{1,2}|[a-z]+)[- ]years?[- ]old)\s+" + _NAME),
    # "Tom in Year 4", "Ella who is in year 9"
    re.compile(_NAME + r"\s+(?i:(?:who\s+is\s+)?in\s+year\s+\d{1,2})\b"),
]
_SCHOOL_RE = re.compile(
    r"((?:(?:St\.?|Saint|[A-Z][\w'’.&-]*)\s+){1,6})"
    r"(?i:(?:C\s?of\s?E\s+|CE\s+|RC\s+|Catholic\s+|Church\s+of\s+England\s+)?"
    r"(?:(?:primary|infants?|junior|secondary|high|grammar|special|free|middle|prep(?:aratory)?|nursery|community|sixth\s+form)\s+)?"
    r"(?:school|academy|college|nursery|pru|pupil\s+referral\s+unit)s?)\b"
)
_SCHOOL_GENERIC_WORDS = {  # nomut: start (a stop list: docs/testing.md)
    "a", "an", "the", "my", "our", "his", "her", "their", "your", "this", "that", "these", "those", "every",
    "any", "local", "mainstream", "special", "primary", "secondary", "high", "grammar", "free", "new", "same",
    "another", "other", "state", "private", "independent", "faith", "village", "nearest", "current", "previous",
    "old", "first", "next", "last", "and", "or", "but", "at", "to", "in", "of", "for", "from", "with", "on", "i",
    "ofsted", "send", "sen", "ehcp", "dfe", "la", "council", "when", "then", "so", "if", "we", "they", "he", "she",
    "nursery", "infant", "junior", "middle", "community", "academy", "school", "college", "trust", "multi",
    "all", "some", "most", "many", "few", "no", "not", "after", "before", "since", "because", "as",
}  # fmt: skip
# nomut: end


# "Oakfield Primary", "St Mary's C of E Primary": a capitalised name before a phase word, no "School".
_SCHOOL_PHASE_RE = re.compile(
    r"((?:(?:St\.?|Saint|[A-Z][\w'’.&-]*)\s+){1,6})"
    r"(?:C\s?of\s?E\s+|CE\s+|RC\s+|Catholic\s+)?(?:Primary|Infants?|Juniors?|Grammar)\b"
)


def _is_name(words):
    """Whether a captured "Name" or "Two Names" holds a name: any word of it off the stop list.

    So "Then Tom, aged 7" at the start of a sentence is caught by "Tom", not waved through by "Then".
    """
    return any(word.casefold().strip("'’-") not in _NOT_NAMES for word in re.split(r"[ -]", words) if word)


def safeguarding_concerns(value):
    """Why the text appears to name a child or a school, or an empty list."""
    text = clean_text(value)
    text = unicodedata.normalize("NFKC", text).replace("\u200d", "")
    concerns = []
    for pattern in _CHILD_PATTERNS:
        for match in pattern.finditer(text):
            if _is_name(match.group(1)):
                concerns.append(f"may name a child (“{match.group(0).strip()}”)")
                break
        if concerns:
            break
    for match in [*_SCHOOL_RE.finditer(text), *_SCHOOL_PHASE_RE.finditer(text)]:
        words = [word.strip(".,'’") for word in match.group(1).split()]
        specific = [word for word in words if word.casefold() not in _SCHOOL_GENERIC_WORDS]
        if specific:
            concerns.append(f"may name a school (“{match.group(0).strip()}”)")
            break
    return concerns
