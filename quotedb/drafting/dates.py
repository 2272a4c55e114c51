"""Relative dates ("on Friday", "last Sunday") resolved against the publication date."""

import datetime
import re


WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]


def resolve_date(context: str, published: datetime.date):
    """The first relative or partial date in `context`: (value, wording) or (None, None)."""
    match = re.search(r"\b(last|on|this|next)\s+(" + "|".join(WEEKDAYS) + r")\b(?!['’])", context, re.I)
    if match:
        target = WEEKDAYS.index(match.group(2).lower())
        days_back = (published.weekday() - target) % 7
        if match.group(1) and match.group(1).lower() == "last" and days_back == 0:
            days_back = 7
        return (published - datetime.timedelta(days=days_back)).isoformat(), match.group(0)
    match = re.search(r"\b(yesterday|today|this morning|tonight|last night)\b", context, re.I)
    if match:
        back = 1 if match.group(1).lower() in ("yesterday", "last night") else 0
        return (published - datetime.timedelta(days=back)).isoformat(), match.group(0)
    match = re.search(r"\b(?:on|in|since|last)\s+(" + "|".join(m.title() for m in MONTHS) + r")(?:\s+(\d{1,2}))?\b", context)
    if match:
        month = MONTHS.index(match.group(1).lower()) + 1
        year = published.year if month <= published.month else published.year - 1
        if match.group(2):
            try:
                day = datetime.date(year, month, int(match.group(2)))
            except ValueError:
                return None, None
            return day.isoformat(), match.group(0)
        return f"{year:04d}-{month:02d}", match.group(0)
    return None, None
