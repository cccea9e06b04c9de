"""Everything a person reads that is built from words rather than a whole reply: dates and
times, a repeat rule, a lead time. The words live in the canon (its `replies` and `words`
sections), in Russian and English; these modules put them together.

words   the canon's `words` read in one language: templates, names, plural forms
dates   "завтра в 10:00" / "tomorrow at 10:00": a due date and time in words
rules   a repeat rule (RRULE) in words, from organizer.domain.rule_shape
"""

from organizer.wording.dates import local_due, task_when, when_text
from organizer.wording.rules import repeat_description, rule_text
from organizer.wording.words import HasReplies, HasWords, names, plural, word

__all__ = ["HasReplies", "HasWords", "local_due", "names", "plural", "repeat_description",
           "rule_text", "task_when", "when_text", "word"]
