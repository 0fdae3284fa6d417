"""The person's assistant: one durable conversation per user, across all projects."""
