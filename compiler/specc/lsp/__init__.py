"""The language server, `specc lsp`: a spec's diagnostics, navigation, completion and formatting as it is edited."""
