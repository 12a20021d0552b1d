// A correct hand-written implementation of todo.spec.md, used by the test suite.
import type { TodoApi } from "./api.js";
import { EmptyTitle, NoSuchTask, makeTask, type Task } from "./types.js";

export class Todo implements TodoApi {
  addTask(tasks: Task[], title: string): Task[] {
    const trimmed = title.trim();
    if (trimmed === "") throw new EmptyTitle();
    return [...tasks, makeTask({ title: trimmed })];
  }

  completeTask(tasks: Task[], index: number): Task[] {
    if (!Number.isInteger(index) || index < 0 || index >= tasks.length) {
      throw new NoSuchTask({ index });
    }
    return tasks.map((task, i) => (i === index ? { ...task, done: true } : task));
  }

  remaining(tasks: Task[]): number {
    return tasks.filter((task) => !task.done).length;
  }

  byTag(tasks: Task[], tag: string): Task[] {
    return tasks.filter((task) => task.tags.includes(tag));
  }
}
