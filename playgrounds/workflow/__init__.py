"""The Glue workflow: one definition in Glue's shapes, a local runner with triggers and run history."""
