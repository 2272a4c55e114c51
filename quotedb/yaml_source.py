"""Reading one YAML record file safely, remembering the line of every value.

Record files are edited by hand, so every problem must point at a line. We let
libyaml build the node tree (fast, nesting capped at 1000 by libyaml itself)
and turn it into plain data ourselves, which lets us refuse what a record never
needs: aliases (the "billion laughs" attack), custom tags, duplicate keys and
deep nesting.
"""

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
_constructor = yaml.constructor.SafeConstructor()


@dataclass
class YamlProblem(Exception):
    line: int
    message: str


@dataclass
class YamlDocument:
    data: object
    lines: dict = field(default_factory=dict)  # path tuple -> 1-based line

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
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(str(error.problem or error.context or error).split())
        raise YamlProblem(mark.line + 1 if mark else 1, f"YAML syntax: {message}") from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise YamlProblem(line, f"control character #x{error.character:04x} is not allowed") from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"YAML: {' '.join(str(error).split())}") from None
    if root is None:
        raise YamlProblem(1, "file holds no YAML document")
    document = YamlDocument(data=None)
    document.data = _to_data(root, (), document.lines, set(), 0)
    return document


def _to_data(node, path, lines, seen, depth):
    if id(node) in seen:  # libyaml hands back the anchored node itself for an alias
        where = lines.get(path) or lines.get(path[:-1], 1)
        raise YamlProblem(where, "YAML anchors and aliases (&, *) are not allowed in records")
    seen.add(id(node))
    line = node.start_mark.line + 1
    lines.setdefault(path, line)
    if depth > MAX_DEPTH:
        raise YamlProblem(line, f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, yaml.MappingNode):
        data = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_node.start_mark.line + 1, "a key must be plain text")
            key = key_node.value
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(key_node.start_mark.line + 1, "merge keys (<<) are not allowed")
            if key in data:
                raise YamlProblem(key_node.start_mark.line + 1, f"{key}: duplicate key")
            lines.setdefault(path + (key,), key_node.start_mark.line + 1)
            data[key] = _to_data(value_node, path + (key,), lines, seen, depth + 1)
        return data
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_data(item, path + (index,), lines, seen, depth + 1)
            for index, item in enumerate(node.value)
        ]
    if node.tag == "tag:yaml.org,2002:str" or node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # dates stay text: the model reads their precision
    if node.tag not in _PLAIN_TAGS:
        raise YamlProblem(line, f"unsupported YAML tag {node.tag}")
    return _constructor.construct_object(node)
