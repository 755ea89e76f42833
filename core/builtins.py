"""Names of the rows Oficina ships with (order statuses, lead types, statuses and lost
reasons, warehouses, roles), shown in the viewer's language.

A built-in row carries a ``system_code``; its stored ``name`` is what the data migration
wrote, in the installation's language. As long as that name is still one of the built-in
name's spellings (in any of the installation's languages), the row shows the built-in name
translated into the language of whoever is looking; once the shop renames it, it shows the
typed name, whatever the viewer's language. Saving a settings form unchanged stores the
viewer's spelling of the built-in name, which is still a built-in spelling.
"""

from django.conf import settings
from django.utils import translation


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def builtin_spellings(default) -> set[str]:
    """Every spelling of ``default`` (a lazy translation) in the installation's languages,
    normalised (spaces collapsed, case folded)."""
    spellings = set()
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            spellings.add(_key(default))
    return spellings


def builtin_name(stored: str, default) -> str:
    """What a row is called for the current viewer: ``default`` (a lazy translation of the
    built-in name, or None for the shop's own rows) in the active language while ``stored``
    is still one of its spellings, else ``stored`` as typed."""
    if default is None:
        return stored
    if _key(stored) in builtin_spellings(default):
        return str(default)
    return stored
