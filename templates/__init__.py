"""Built-in Jinja2 templates, one folder per target; a package so wheels ship them."""
