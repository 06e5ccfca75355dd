"""Stories: the content model (home, sections, articles, authors) and reader pages."""
