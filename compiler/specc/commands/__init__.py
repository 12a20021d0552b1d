"""The `specc` command line: one module per command or group, registered in `main`."""
