// A correct hand-written implementation of todo.spec.md, used by the test suite.
use crate::api::TodoApi;
use crate::types::*;

/// Implements [`TodoApi`].
#[derive(Debug, Default)]
pub struct Todo {}

impl TodoApi for Todo {
    fn add_task(&self, mut tasks: Vec<Task>, title: &str) -> Result<Vec<Task>, TodoError> {
        let trimmed = title.trim();
        if trimmed.is_empty() {
            return Err(TodoError::EmptyTitle);
        }
        tasks.push(Task::new(trimmed.to_string()));
        Ok(tasks)
    }

    fn complete_task(&self, mut tasks: Vec<Task>, index: i64) -> Result<Vec<Task>, TodoError> {
        let task = usize::try_from(index)
            .ok()
            .and_then(|i| tasks.get_mut(i))
            .ok_or(TodoError::NoSuchTask { index })?;
        task.done = true;
        Ok(tasks)
    }

    fn remaining(&self, tasks: &[Task]) -> i64 {
        tasks.iter().filter(|task| !task.done).count() as i64
    }

    fn by_tag(&self, tasks: Vec<Task>, tag: &str) -> Vec<Task> {
        tasks
            .into_iter()
            .filter(|task| task.tags.iter().any(|t| t == tag))
            .collect()
    }
}
