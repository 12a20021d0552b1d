"""Projects: the inputs a command takes from `specc.toml`, and scaffolding with `specc init` and `specc new`."""
