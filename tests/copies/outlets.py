"""The two outlets of the copies tests: a wire service and a site that republishes its stories."""

from pathlib import Path

FEEDS = Path(__file__).parent / "feeds"
NAMES = {"original": "Coastline Wire", "copier": "Daily Digest Online", "reporter": "Island Gazette"}

FERRIES = "Ferry operator orders three electric ships for the island routes"
# The copier's version: its own boilerplate around it, a new headline, two paragraphs swapped, the last one cut.
FERRIES_COPY = "BREAKING: Island routes to go electric as three new ferries ordered"
# The copier's own story, with the same boilerplate around it.
LIGHTHOUSE = "Lighthouse keeper's cottage opens as a museum"
# Another outlet's report of the ferry order, in its own words: the same story, not a copy.
FERRIES_REPORT = "Battery ferries to replace diesel boats on Gull Island and Pennick crossings"
# Its other story, about something else.
CHOIR = "Pennick school choir wins regional competition"
