"""The wire desk: fetch other outlets' stories, clean them and queue them for the editors."""
