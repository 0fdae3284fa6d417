"""The Telegram channel: Bot API client, pacing, message text, chat links, button presses."""
