"""Where a dependency from elsewhere than an index is taken from, read so that a lock's
spelling of a place and a manifest's compare equal: a repository or URL without its VCS
prefix, credentials, query or trailing `.git`, the refs it names (branch, tag, commit)
kept apart; a folder as a normalised path. A lock stands for a manifest's dependency
from elsewhere only where it takes it from the same place (`Place.holds`)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from packaging.utils import canonicalize_name

from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.indexes import VCS, is_url


@dataclass(frozen=True)
class Place:
    """Where a dependency's code is taken from."""

    where: str
    """The repository, URL (with any `subdirectory` of it) or folder, normalised."""
    refs: frozenset[str]
    """The branches, tags, revisions and commits the source names; empty for none."""

    def holds(self, declared: Place) -> bool:
        """Whether this place (a lock's) gives the code `declared` (a manifest's) names:
        the same place, at every ref the manifest names (naming none, any). A lock whose
        reader keeps no ref (pdm's and Poetry's keys apart from the URL) holds any: its
        own report, and a waiver of it, then stand for the repository at any ref."""
        same_refs = not self.refs or declared.refs <= self.refs
        return self.where == declared.where and same_refs


def place(source: str) -> Place:
    """A source as written (`git+https://host/repo.git@main`, uv's
    `https://host/repo?rev=main#<commit>`, `./libs/x`), as a `Place`."""
    written = source.strip()
    text = VCS.sub("", written)
    if not is_url(text):
        return Place(posixpath.normpath(text), frozenset())
    try:
        parts = urlsplit(text)
        netloc = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    except ValueError:  # not a URL the library can split: only its own spelling matches
        return Place(text, frozenset())
    path, refs = parts.path, set()
    if VCS.match(written) and "@" in path:  # pip's `@ref` after a repository's path
        path, ref = path.rsplit("@", 1)
        refs.add(ref)
    query, fragment = parse_qs(parts.query), parse_qs(parts.fragment)
    refs |= {value for key in _REFS for value in query.get(key, [])}
    if parts.fragment and not fragment:  # uv's `#<commit>`
        refs.add(parts.fragment)
    where = f"{parts.scheme.lower()}://{netloc.lower()}{path.rstrip('/').removesuffix('.git')}"
    subdirectory = query.get(_SUBDIRECTORY, []) + fragment.get(_SUBDIRECTORY, [])
    return Place(where + "".join(f"#{_SUBDIRECTORY}={s}" for s in subdirectory), frozenset(refs))


_REFS = ("rev", "branch", "tag")
"""The query keys uv writes a repository's ref under."""
_SUBDIRECTORY = "subdirectory"


def taken_alike(declared: Found, locks: list[Found]) -> set[Unauditable]:
    """The dependencies from elsewhere a manifest (`declared`) names that one of its
    `locks` takes from the same place (`Place.holds`)."""
    held = [entry for lock in locks for entry in _sourced(lock).values()]
    return {
        dependency
        for dependency, (name, wanted) in _sourced(declared).items()
        if any(n == name and given.holds(wanted) for n, given in held)
    }


def _sourced(found: Found) -> dict[Unauditable, tuple[str, Place]]:
    """Each named dependency `found` takes from elsewhere than an index, with its
    canonical name and place: a URL or repository (an index entry's `text`), a folder
    (`Unauditable.source`)."""
    entries = [(u, u.text) for u in found.indexes] + [(u, u.source) for u in found.unauditable]
    return {
        u: (canonicalize_name(u.name), place(where))
        for u, where in entries
        if u.name and where is not None and not u.ranged
    }
