"""The coordinator's desk: server-rendered pages for the district office (issue 6)."""
