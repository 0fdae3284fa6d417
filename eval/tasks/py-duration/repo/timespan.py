def parse_duration(text):
    """Seconds in a duration such as "2h" or "45s"."""
    if text.endswith("h"):
        return int(text[:-1]) * 3600
    if text.endswith("s"):
        return int(text[:-1])
    raise ValueError(f"not a duration: {text!r}")
