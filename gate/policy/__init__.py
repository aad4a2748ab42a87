"""The policy: what blocks, which scanners must run, how severities are adjusted.

`gate.policy.load` reads and validates a policy file (and imports jsonschema to do it);
`gate.policy.model` holds what it becomes. Nothing is imported here, so a worker that
needs only the model does not pay for the validator.
"""
