"""Mutation testing per rule: mutate an implementation, run the examples its code serves, score each rule."""
