"""The canon: the file that says what the bot understands and how it answers.

marked_yaml  YAML with line/column of every value, duplicate keys found
validate     CanonIssue list: syntax, schema, intent names, regexes, templates
loader       check_canon(path) and load_canon(path) -> Canon
model        Canon: version, sha256, path, compiled grammar, reply()
live         LiveCanon: the current canon, reloaded on change with watchfiles
"""

from organizer.canon.live import LiveCanon
from organizer.canon.loader import check_canon, load_canon
from organizer.canon.model import Canon
from organizer.canon.validate import CanonIssue

__all__ = ["Canon", "CanonIssue", "LiveCanon", "check_canon", "load_canon"]
