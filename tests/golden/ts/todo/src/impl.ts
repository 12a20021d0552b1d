// Scaffolded once by specc from todo.spec.md; yours to edit: specc never overwrites it.
import type { TodoApi } from "./api.js";
import { NotImplementedError, type Priority, type Task } from "./types.js";

export class Todo implements TodoApi {
  addTask(_tasks: Task[], _title: string): Task[] {
    throw new NotImplementedError("add_task");
  }

  completeTask(_tasks: Task[], _index: number): Task[] {
    throw new NotImplementedError("complete_task");
  }

  remaining(_tasks: Task[]): number {
    throw new NotImplementedError("remaining");
  }

  byTag(_tasks: Task[], _tag: string): Task[] {
    throw new NotImplementedError("by_tag");
  }
}
