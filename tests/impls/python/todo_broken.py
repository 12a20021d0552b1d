"""A BROKEN (by_tag ignores case) hand-written implementation of todo.spec.md, used by the test suite."""

from __future__ import annotations

import dataclasses

from .types import EmptyTitle, NoSuchTask, Task


class Todo:
    """Implements `TodoApi`."""

    def add_task(self, tasks: list[Task], title: str) -> list[Task]:
        """Append a task with the trimmed title."""
        trimmed = title.strip()
        if not trimmed:
            raise EmptyTitle()
        return [*tasks, Task(title=trimmed)]

    def complete_task(self, tasks: list[Task], index: int) -> list[Task]:
        """Mark the task at ``index`` as done."""
        if not 0 <= index < len(tasks):
            raise NoSuchTask(index=index)
        return [
            dataclasses.replace(task, done=True) if i == index else task
            for i, task in enumerate(tasks)
        ]

    def remaining(self, tasks: list[Task]) -> int:
        """Count the tasks not done."""
        return sum(1 for task in tasks if not task.done)

    def by_tag(self, tasks: list[Task], tag: str) -> list[Task]:
        """Return the tasks carrying ``tag``, in order."""
        return [task for task in tasks if tag.lower() in (t.lower() for t in task.tags)]
