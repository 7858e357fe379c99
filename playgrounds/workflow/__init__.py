"""The Glue workflow: one definition in Glue's shapes, a local runner, triggers, run history."""
