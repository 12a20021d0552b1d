"""The evals target: a case per behavioural example, with Inspect AI and OpenAI Evals exports."""
