"""Social-graph files named by ``graph.path``: reading them, and counting their people up front.

A scenario with ``graph.kind = "file"`` names a GraphML file (``.graphml``/``.xml``) or a
whitespace edge list (anything else; ``.gz``/``.bz2`` are decompressed, as networkx does).
The world builder reads it with :func:`read_graph_file`. Before anything runs, the loader
checks it with :func:`count_graph_nodes`, which reads an edge list line by line (a set of
node labels, no graph: a million-node file takes seconds and tens of MB, not a networkx
graph's gigabytes) with exactly the rules networkx's ``read_edgelist`` applies, and reads
GraphML with networkx itself. Counts are cached by path, size and modification time, so
re-validating a scenario in every run of a sweep reads the file once per process.
"""

from __future__ import annotations

import bz2
import gzip
import zlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


GRAPHML_SUFFIXES = {".graphml", ".xml"}


def read_graph_file(path: str | Path) -> nx.Graph:
    """Read a GraphML (.graphml/.xml) or whitespace edge-list file into a networkx Graph."""
    import networkx as nx  # here: the loader imports this module, and cpsim --help should not wait for networkx

    path = Path(path)
    if path.suffix.lower() in GRAPHML_SUFFIXES:
        return nx.Graph(nx.read_graphml(path))
    return nx.read_edgelist(path, nodetype=str, data=False)


class GraphFileError(ValueError):
    """A graph file that cannot be used; the message says why in a few words."""


def count_graph_nodes(path: str | Path) -> int:
    """Count the people (nodes) in a graph file, checking that it is a readable graph.

    Args:
        path: A GraphML or edge-list file.

    Returns:
        The number of nodes the world builder will find in it.

    Raises:
        GraphFileError: The file cannot be read, is not text in the expected format, or
            holds no ties.

    """
    path = Path(path)
    try:
        st = path.stat()
    except OSError as err:
        raise GraphFileError(f"cannot read it ({err.strerror or err})") from None
    return _count(str(path.resolve()), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=64)
def _count(path: str, size: int, mtime_ns: int) -> int:
    del size, mtime_ns  # part of the cache key only: a changed file is read again
    if Path(path).suffix.lower() in GRAPHML_SUFFIXES:
        return _count_graphml(path)
    return _count_edgelist(path)


def _count_graphml(path: str) -> int:
    import networkx as nx

    try:
        graph = nx.read_graphml(path)
    except OSError as err:
        raise GraphFileError(f"cannot read it ({err.strerror or err})") from None
    except Exception as err:  # noqa: BLE001  (any parse failure of untrusted input is a bad file)
        raise GraphFileError(f"not a GraphML graph ({type(err).__name__}: {_first_line(err)})") from None
    if graph.number_of_nodes() == 0:
        raise GraphFileError("a GraphML file with no nodes")
    return graph.number_of_nodes()


def _open(path: str):
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    if path.endswith(".bz2"):
        return bz2.open(path, "rb")
    return open(path, "rb")  # noqa: SIM115  (closed by the caller's with)


def _count_edgelist(path: str) -> int:
    """Node labels as networkx.parse_edgelist(comments='#', delimiter=None, data=False) finds them."""
    nodes: set[str] = set()
    number = 0
    try:
        with _open(path) as fh:
            for number, raw in enumerate(fh, 1):
                if b"\x00" in raw:
                    raise GraphFileError(f"line {number}: binary data, not an edge list")
                line = raw.decode("utf-8")
                cut = line.find("#")
                if cut >= 0:
                    line = line[:cut]
                    if not line:
                        continue
                parts = line.rstrip("\n").split()
                if len(parts) >= 2:
                    nodes.add(parts[0])
                    nodes.add(parts[1])
    except GraphFileError:
        raise
    except UnicodeDecodeError as err:
        raise GraphFileError(f"line {number}: not UTF-8 text (byte 0x{err.object[err.start]:02x})") from None
    except (OSError, EOFError, ValueError, zlib.error) as err:  # gzip/bz2 damage, unreadable file
        what = "damaged compressed data" if isinstance(err, zlib.error) else type(err).__name__
        raise GraphFileError(f"cannot read it ({what}: {_first_line(err)})") from None
    if not nodes:
        raise GraphFileError("no ties found (an edge list has one tie per line: two node labels)")
    return len(nodes)


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:120] if text else type(err).__name__
