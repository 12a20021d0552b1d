"""The TypeScript target: an npm package with types, an API, a scaffold and node:test tests."""
