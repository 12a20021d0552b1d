"""`specc diff`: compare two versions of specs and say which semver bump each change needs."""
