"""How the site is served: one definition used by `./run serve`, the tests and publishing."""

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
SETTINGS = ROOT / "settings.json"
PLUGINS_DIR = ROOT / "plugins"
TEMPLATES_DIR = ROOT / "templates"


def settings() -> dict:
    return json.loads(SETTINGS.read_text(encoding="utf-8"))


def metadata() -> dict:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def datasette(db_path):
    """The site as a `Datasette` instance, the database opened immutable."""
    from datasette.app import Datasette

    return Datasette(
        immutables=[str(db_path)],
        metadata=metadata(),
        settings=settings(),
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
    )


def setting_options() -> list[str]:
    """`--setting NAME VALUE` for each setting, for `datasette serve` and `publish`."""
    options = []
    for name, value in settings().items():
        options += ["--setting", name, json.dumps(value) if isinstance(value, bool) else str(value)]
    return options


def serve_arguments(db_path, host="127.0.0.1", port=8001) -> list[str]:
    return [
        "datasette", "serve", "-i", str(db_path),
        "--metadata", str(METADATA),
        "--plugins-dir", str(PLUGINS_DIR),
        "--template-dir", str(TEMPLATES_DIR),
        "--host", host, "--port", str(port),
        *setting_options(),
    ]
