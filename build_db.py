#!/usr/bin/env python3
"""Validate the records in quotes/ and build quotes.db. See README.md."""

import signal
import sys

# Ctrl-C while Python starts (nothing is begun yet) ends it without a traceback;
# quotedb.build then stops the build in its own way. An ignored SIGINT stays ignored.
if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, signal.SIG_DFL)

from quotedb.build import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
