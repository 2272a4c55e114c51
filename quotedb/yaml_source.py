"""Reading one YAML record file safely, remembering the line of every value.

Record files are edited by hand, so every problem must point at a line. We let
libyaml build the node tree (fast, nesting capped at 1000 by libyaml itself)
and turn it into plain data ourselves, which lets us refuse what a record never
needs: anchors and aliases (the "billion laughs" attack), tags, duplicate keys
and deep nesting.
"""

import re
from dataclasses import dataclass, field

import yaml

MAX_DEPTH = 12
MAX_FILE_BYTES = 20 * 1024 * 1024

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_TEXT_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}
# YAML 1.1 also reads 0x7E8, 03747, 2_0_2_3 and 33:44 as the number 2024 or 2023;
# only plain decimal digits make a number here, the rest stays text as written.
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)")
# YAML takes raw U+2028 and U+2029 for line breaks and folds the spaces around
# them away; stand-ins (noncharacters, never in real text) keep them as written.
_LINE_SEPARATORS = {"\u2028": "\ufdd0", "\u2029": "\ufdd1"}
_constructor = yaml.constructor.SafeConstructor()
_WORDS_AFTER_HASH = re.compile(r"#\S")  # `#2`, `#MeToo`: words, where a comment has a space after #


@dataclass
class YamlProblem(Exception):
    line: int
    message: str


@dataclass
class YamlDocument:
    data: object
    lines: dict = field(default_factory=dict)  # path tuple -> 1-based line
    # path tuple -> (line, comment, empty) for plain (unquoted) text followed by a comment,
    # or for nothing (`empty`) followed by one that begins like words (`role: #2 on the list`)
    commented: dict = field(default_factory=dict)

    def line_of(self, path) -> int:
        """The line of the value at `path`, or of its nearest enclosing value."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def decode(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), naming the line of a bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(1, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlProblem(
            line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8"
        ) from None


def read_yaml(raw: bytes) -> YamlDocument:
    text = decode(raw)
    if not text.strip():
        raise YamlProblem(1, "file is empty")
    if "\x85" in text:  # YAML would take it for a line break, but it is a control character
        raise YamlProblem(_line_at(text, text.index("\x85")), "control character #x0085 is not allowed")
    separators = "\u2028" in text or "\u2029" in text
    if separators:
        text = _protect_line_separators(text)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(str(error.problem or error.context or error).split())
        raise YamlProblem(mark.line + 1 if mark else 1, f"YAML syntax: {message}") from None
    except yaml.reader.ReaderError as error:
        # The reader stops at the first such character; libyaml gives its place in bytes, not characters.
        where = text.find(chr(error.character))
        raise YamlProblem(
            _line_at(text, where if where >= 0 else error.position),
            f"control character #x{error.character:04x} is not allowed",
        ) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"YAML: {' '.join(str(error).split())}") from None
    if root is None:
        raise YamlProblem(1, "file holds no YAML document")
    document = YamlDocument(data=None)
    document.data = _Converter(text, document, separators).data(root, (), 0)
    return document


def _line_at(text: str, index: int) -> int:
    return text[:index].count("\n") + 1


def _protect_line_separators(text: str) -> str:
    for separator, stand_in in _LINE_SEPARATORS.items():
        if stand_in in text:
            line = _line_at(text, text.index(stand_in))
            raise YamlProblem(line, f"noncharacter U+{ord(stand_in):04X} is not allowed")
        text = text.replace(separator, stand_in)
    return text


def _restore_line_separators(value: str) -> str:
    for separator, stand_in in _LINE_SEPARATORS.items():
        value = value.replace(stand_in, separator)
    return value


class _Converter:
    """Turns libyaml's node tree into dicts, lists and scalars, noting every line."""

    def __init__(self, text: str, document: YamlDocument, restore_separators: bool):
        self.source_lines = text.splitlines()  # the same line breaks as libyaml's
        self.document = document
        self.restore = restore_separators

    def data(self, node, path, depth, key_column=None):
        """`key_column`: for the value of a mapping, its key's column."""
        line = node.start_mark.line + 1
        self.document.lines.setdefault(path, line)
        self._refuse_properties(node)
        if depth > MAX_DEPTH:
            raise YamlProblem(line, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.data(item, path + (index,), depth + 1) for index, item in enumerate(node.value)]
        return self._scalar(node, path, key_column)

    def _mapping(self, node, path, depth):
        data = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_line, "a key must be plain text")
            self._refuse_properties(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(key_line, "merge keys (<<) are not allowed")
            key = key_node.value
            if key in data:
                raise YamlProblem(key_line, f"{key}: duplicate key")
            self.document.lines.setdefault(path + (key,), key_line)
            # In {braces}, a plain value goes on over lines whatever their indentation.
            key_column = -1 if node.flow_style else key_node.start_mark.column
            data[key] = self.data(value_node, path + (key,), depth + 1, key_column)
        return data

    def _scalar(self, node, path, key_column):
        value = self._value(node)
        if node.style:  # quoted or a block: a comment after it cuts nothing
            return value
        if isinstance(value, str) and value:
            commented = self._comment_after(node, key_column)
            if commented:
                self.document.commented[path] = (*commented, False)
        elif node.value == "":  # nothing written (`notes:  # none` is fine, `role: #2 on the list` is not)
            commented = self._comment_after(node, key_column)
            if commented and _WORDS_AFTER_HASH.match(commented[1]):
                self.document.commented[path] = (*commented, True)
        return value

    def _value(self, node):
        if node.tag in _TEXT_TAGS:  # dates stay text: the model reads their precision
            return _restore_line_separators(node.value) if self.restore else node.value
        if node.tag not in _PLAIN_TAGS:
            raise YamlProblem(node.start_mark.line + 1, f"unsupported YAML tag {node.tag}")
        if node.tag == "tag:yaml.org,2002:int" and not _DECIMAL.fullmatch(node.value):
            return node.value
        try:
            return _constructor.construct_object(node)
        except ValueError:  # Python reads no integer of over 4,300 digits
            raise YamlProblem(node.start_mark.line + 1, "a number of over 4,300 digits is not allowed") from None

    def _refuse_properties(self, node):
        """Refuse an anchor (&a) or a tag (!evil, !!set, !!python/...) on any node."""
        start = self._text_from(node.start_mark)
        if start.startswith("&"):
            raise YamlProblem(
                node.start_mark.line + 1, "YAML anchors and aliases (&, *) are not allowed in records"
            )
        if start.startswith("!"):
            tag = start.split(maxsplit=1)[0]
            raise YamlProblem(node.start_mark.line + 1, f"YAML tags ({tag}) are not allowed in records")

    def _comment_after(self, node, key_column):
        """(line, comment) for a comment that ends a plain scalar: on its last line, or on
        the line after it indented past its key (`text: We are` then `  #1 in the league`;
        in braces, `key_column` -1, any line), which would have gone on with the text had it
        not begun with #; else None."""
        rest = self._text_from(node.end_mark).strip()
        if rest or key_column is None:
            return (node.end_mark.line + 1, rest) if rest.startswith("#") else None
        for number in range(node.end_mark.line + 1, len(self.source_lines)):
            line = self.source_lines[number]
            words = line.lstrip(" \t")  # tabs may stand between the indentation and a comment
            if not words.strip():  # a blank line does not end a plain scalar
                continue
            if words.startswith("#") and len(line) - len(line.lstrip(" ")) > key_column:
                return number + 1, words.strip()
            return None
        return None

    def _text_from(self, mark) -> str:
        if mark.line >= len(self.source_lines):
            return ""
        return self.source_lines[mark.line][mark.column :]
