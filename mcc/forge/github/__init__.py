"""GitHub as a forge: App or personal-token auth, the REST API through PyGithub, webhooks."""
