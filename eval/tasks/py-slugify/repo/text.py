def slugify(title):
    """A URL slug of title."""
    return title.lower().replace(" ", "-")
