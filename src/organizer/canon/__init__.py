"""The canon: the files that say what the bot understands and how it answers.

marked_yaml  YAML with line/column of every value, duplicate keys found
parts        the entry file (intents_v2.yml) and the part files it names
validate     CanonIssue list: syntax, schema (jsonschema), then rules and examples
schema_check the schema's yes-or-no verdict without importing jsonschema (the load path)
rules        what a schema cannot say: intent names, regexes, reply templates
examples     each intent pattern tried on its examples and counter_examples
loader       check_canon(path) and load_canon(path) -> Canon
model        Canon: version, sha256, path, compiled grammar, reply()
live         LiveCanon: the current canon, reloaded on change with watchfiles
"""

from organizer.canon.live import LiveCanon
from organizer.canon.loader import check_canon, load_canon
from organizer.canon.model import Canon
from organizer.canon.validate import CanonIssue

__all__ = ["Canon", "CanonIssue", "LiveCanon", "check_canon", "load_canon"]
