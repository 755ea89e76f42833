"""Text helpers shared by search and validation."""

import unicodedata


def fold(value: str) -> str:
    """Lower-case, accent-free form of ``value`` for search: "João" and "joao" match.

    The database's own case folding differs (SQLite only folds ASCII), so searchable columns
    store this folded form and queries fold the user's input the same way.
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
