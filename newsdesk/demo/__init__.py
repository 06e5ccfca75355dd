"""Demo: the fictional newsroom a fresh install loads, so the site has stories to show."""
