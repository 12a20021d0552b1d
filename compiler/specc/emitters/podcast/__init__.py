"""The podcast target: two-host episode scripts (Markdown and JSON) and, optionally, their audio."""
