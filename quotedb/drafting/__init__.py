"""Drafting quote records from an article's plain text, for a person to review.

Rules, not a model: find every passage in quotation marks, decide whether it is
a quotation that stands on its own (`full`) or a fragment inside the writer's
sentence (`partial`), then find its speaker next to a speech verb ("..., Kirby
said", "Zaluzhnyi told parliament: ..."), resolving "he", "she" and "the
spokesman" to the last named speaker. Each draft carries a confidence and a
comment where the reviewer should look.

The package, one job a module: `language` (speech verbs, titles, names,
sentences), `quotations` (passages in quotation marks), `speakers` (who said
it), `dates` (relative dates), `reported` (reported speech, drafted as
`paraphrase`), `output` (the draft record file).
"""

import datetime

from .dates import resolve_date
from .language import NAME, SPEECH_VERBS, TITLES, _sentence_bounds
from .quotations import Quotation, find_quotations
from .speakers import attribute, gender_of_name, genders


def draft_quotations(text: str, published: datetime.date) -> list[Quotation]:
    quotations = find_quotations(text)
    attribute(text, quotations)
    for quote in quotations:
        start, end = _sentence_bounds(text, quote.start, quote.end)
        quote.said, quote.said_wording = resolve_date(text[start:end], published)
    return quotations


from .output import Registry, draft_record, slugify  # noqa: E402  (output drafts with draft_quotations)
from .reported import draft_reported, find_reported  # noqa: E402

__all__ = ["NAME", "SPEECH_VERBS", "TITLES", "Quotation", "Registry", "attribute", "draft_quotations", "draft_record", "draft_reported",
           "find_reported",
           "find_quotations", "gender_of_name", "genders", "resolve_date", "slugify"]
