"""`mcc eval`: what the company resolves per dollar, against one agent alone.

Each task of `eval/tasks/` is a small repository, an issue text and hidden
tests the agents never see. `runner` puts every task through the full
pipeline (auto-approved) and through a single coder with the same tools,
model and step budget; `judge` decides resolution by running the hidden tests
on what each mode produced; `report` prints the table and writes the JSON.
"""
