#!/usr/bin/env python3
"""Validate the records in quotes/ and build quotes.db. See README.md."""

import sys

from quotedb.build import main

if __name__ == "__main__":
    sys.exit(main())
