"""The docs target: a static site with a page per spec, an anchor per rule, badges and search."""
