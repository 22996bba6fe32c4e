-- The earlier attempts of a retried step (StepExecuted.attempts), visible in the trace.
ALTER TABLE aos_trace_steps ADD COLUMN attempts jsonb NOT NULL DEFAULT '[]'::jsonb;
