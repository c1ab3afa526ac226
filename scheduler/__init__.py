"""The scheduler process: SLA sweep, outbox sender and nightly jobs. Never inside web workers."""
