-- Agents choose their planner (AgentRegistered version 2): their template, or a language model
-- that writes each run's plan from its goal. A model-planned agent has no template.
ALTER TABLE agents ALTER COLUMN plan_template DROP NOT NULL;
-- {"kind": "template"} (the template is in plan_template), or the model planner's settings:
-- {"kind": "llm", "instructions", "max_steps", "repair_attempts", "skills"}.
ALTER TABLE agents ADD COLUMN planner jsonb NOT NULL DEFAULT '{"kind": "template"}';
