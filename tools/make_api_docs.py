"""Write ``docs/api.md``, the API reference, from the numpydoc docstrings of the public API.

Usage::

    python tools/make_api_docs.py            # (re)write docs/api.md
    python tools/make_api_docs.py --check    # exit 1 if docs/api.md is out of date

The public API documented here is :data:`MODULES`: the top-level ``csp_analysis`` names, every
module of ``csp_analysis.analyses`` and ``csp_analysis.plots``, ``csp_analysis.risk_matrix``,
``csp_analysis.report.display``, ``csp_analysis.report.interactive``,
``csp_analysis.report.run.run_report`` and ``csp_analysis.lab``. A module's public names are its
``__all__`` when it has one, else the functions and classes defined in it whose names do not
start with ``_``. A public class brings its public methods and properties (those defined in the
class itself).

The docstrings are read with a small parser of the standard numpydoc section headings
(:func:`parse_docstring`), not with ``numpydoc`` itself. :func:`docstring_problems` is the
checker used by ``tests/test_api_docs.py``.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import importlib
import inspect
import pkgutil
import pprint
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a clone
    sys.path.insert(0, str(ROOT))

#: The generated page.
TARGET = ROOT / "docs" / "api.md"

#: The command that regenerates :data:`TARGET` (named in the page and in test failures).
COMMAND = "python tools/make_api_docs.py"

#: Numpydoc section headings recognised, in their canonical spelling.
SECTIONS = (
    "Parameters",
    "Other Parameters",
    "Attributes",
    "Methods",
    "Returns",
    "Yields",
    "Receives",
    "Raises",
    "Warns",
    "Warnings",
    "See Also",
    "Notes",
    "References",
    "Examples",
)
_SECTION_BY_FOLD = {s.casefold(): s for s in SECTIONS}

#: Sections whose body is a list of ``name : type`` entries with indented descriptions.
ENTRY_SECTIONS = (
    "Parameters",
    "Other Parameters",
    "Attributes",
    "Returns",
    "Yields",
    "Receives",
    "Raises",
    "Warns",
)

#: Order in which the sections of one object are rendered.
RENDER_ORDER = (
    "Parameters",
    "Other Parameters",
    "Returns",
    "Yields",
    "Raises",
    "Warns",
    "Attributes",
    "Warnings",
    "See Also",
    "Notes",
    "References",
    "Examples",
)

#: The top-level names shown first, in the order an analyst meets them; the rest of
#: ``csp_analysis.__all__`` follows.
TOP_LEVEL_ORDER = ("load", "Dataset", "assess", "Assessment")

#: Signatures longer than this are written one parameter a line.
SIGNATURE_WIDTH = 88


# --------------------------------------------------------------------------------------------
# what is documented
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleSpec:
    """One module of the reference: its group in the contents and, optionally, the only names."""

    name: str
    group: str
    only: tuple[str, ...] | None = None
    first: tuple[str, ...] = ()


def _submodules(package: str) -> list[str]:
    pkg = importlib.import_module(package)
    return sorted(f"{package}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__))


def module_specs() -> list[ModuleSpec]:
    """The modules of the reference, in page order.

    Returns
    -------
    list of ModuleSpec
        Top level, analyses, risk matrix, plots, report and JupyterLab, in that order.
    """
    specs = [ModuleSpec("csp_analysis", "Top level", first=TOP_LEVEL_ORDER)]
    specs += [ModuleSpec(m, "Analyses") for m in _submodules("csp_analysis.analyses")]
    specs.append(ModuleSpec("csp_analysis.risk_matrix", "Risk matrix"))
    specs += [ModuleSpec(m, "Plots") for m in _submodules("csp_analysis.plots")]
    specs += [
        ModuleSpec("csp_analysis.report.display", "Report"),
        ModuleSpec("csp_analysis.report.interactive", "Report"),
        ModuleSpec("csp_analysis.report.run", "Report", only=("run_report",)),
        ModuleSpec("csp_analysis.lab", "JupyterLab"),
    ]
    return specs


@dataclass
class Member:
    """One documented object: a function, a class, or a method or property of a class."""

    qualname: str
    name: str
    kind: str  # function, class, method, classmethod, staticmethod, property
    obj: Any
    owner: type | None = None
    members: list[Member] = field(default_factory=list)

    @property
    def function(self) -> Callable[..., Any] | None:
        """The plain function behind the member (``None`` for a class or a property)."""
        if self.kind in ("classmethod", "staticmethod"):
            return self.obj.__func__
        if self.kind in ("function", "method"):
            return self.obj
        return None

    @property
    def doc(self) -> str | None:
        """The member's own docstring (never one inherited or made up by ``dataclass``)."""
        if self.kind == "class":
            doc = self.obj.__dict__.get("__doc__")
            if doc and dataclasses.is_dataclass(self.obj) and doc.startswith(
                self.obj.__name__ + "("
            ):
                return None  # the signature dataclass writes when there is no docstring
            return doc
        if self.kind == "property":
            return self.obj.fget.__doc__ if self.obj.fget else None
        func = self.function
        return func.__doc__ if func is not None else None


@dataclass
class ModuleDoc:
    """A module's intro, its documented members and its public constants."""

    spec: ModuleSpec
    module: ModuleType
    members: list[Member]
    constants: list[tuple[str, Any]]


def public_names(module: ModuleType) -> list[str]:
    """A module's public names: ``__all__``, or its own functions and classes not named ``_*``.

    Parameters
    ----------
    module : ModuleType
        An imported module.

    Returns
    -------
    list of str
        In ``__all__`` order, or else in order of definition.
    """
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    ]


def _class_members(cls: type, qualname: str) -> list[Member]:
    """The class's own public members, then those it inherits from the project's mixins."""
    out = []
    own = [k for k in cls.__mro__ if k.__module__.startswith("csp_analysis")]
    seen: set[str] = set()
    for name, raw in [item for k in own for item in k.__dict__.items()]:
        if name.startswith("_") or name in seen:
            continue
        seen.add(name)
        if isinstance(raw, property):
            kind = "property"
        elif isinstance(raw, classmethod):
            kind = "classmethod"
        elif isinstance(raw, staticmethod):
            kind = "staticmethod"
        elif inspect.isfunction(raw):
            kind = "method"
        else:
            continue
        out.append(Member(f"{qualname}.{name}", name, kind, raw, owner=cls))
    return out


def collect(spec: ModuleSpec) -> ModuleDoc:
    """Import one module and gather its documented members.

    Parameters
    ----------
    spec : ModuleSpec
        The module and, optionally, the only names to document.

    Returns
    -------
    ModuleDoc
        Functions and classes (with their methods) as members; other public names as constants.
    """
    module = importlib.import_module(spec.name)
    names = list(spec.only) if spec.only is not None else public_names(module)
    names = [n for n in spec.first if n in names] + [n for n in names if n not in spec.first]
    members: list[Member] = []
    constants: list[tuple[str, Any]] = []
    for name in names:
        obj = getattr(module, name)
        qualname = f"{spec.name}.{name}"
        if inspect.isclass(obj):
            members.append(
                Member(qualname, name, "class", obj, members=_class_members(obj, qualname))
            )
        elif inspect.isfunction(obj):
            members.append(Member(qualname, name, "function", obj))
        elif not inspect.ismodule(obj):
            constants.append((name, obj))
    return ModuleDoc(spec, module, members, constants)


def api_modules() -> list[ModuleDoc]:
    """Every module of the reference, collected.

    Returns
    -------
    list of ModuleDoc
        In page order (see :func:`module_specs`).
    """
    return [collect(spec) for spec in module_specs()]


def iter_members(modules: list[ModuleDoc] | None = None) -> Iterator[Member]:
    """Every documented function, class, method and property, classes before their methods.

    Parameters
    ----------
    modules : list of ModuleDoc, optional
        Default: :func:`api_modules`.

    Yields
    ------
    Member
        In page order.
    """
    for mod in api_modules() if modules is None else modules:
        for member in mod.members:
            yield member
            yield from member.members


# --------------------------------------------------------------------------------------------
# a small numpydoc parser
# --------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One ``name : type`` entry of a Parameters-like section."""

    names: list[str]
    type: str
    description: list[str]


@dataclass
class Docstring:
    """A parsed numpydoc docstring."""

    summary: str = ""
    extended: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)

    def entries(self, section: str) -> list[Entry]:
        """The entries of a Parameters-like section (empty when the section is absent).

        Parameters
        ----------
        section : str
            A section heading, e.g. ``"Parameters"``.

        Returns
        -------
        list of Entry
            One per unindented line of the section; Returns entries without ``" : "`` have
            a type and no names.
        """
        return parse_entries(self.sections.get(section, []), returns=section in (
            "Returns", "Yields", "Receives", "Raises", "Warns"))  # fmt: skip


def _is_underline(line: str) -> bool:
    text = line.strip()
    return len(text) >= 3 and set(text) == {"-"}


def parse_docstring(doc: str | None) -> Docstring:
    """Split a numpydoc docstring into summary, extended summary and sections.

    Parameters
    ----------
    doc : str or None
        The raw docstring (indentation is removed with :func:`inspect.cleandoc`).

    Returns
    -------
    Docstring
        ``summary`` is the first paragraph on one line; ``sections`` maps each canonical
        heading of :data:`SECTIONS` to its lines, without the heading and underline.

    Examples
    --------
    >>> d = parse_docstring('''Add one.
    ...
    ...     Parameters
    ...     ----------
    ...     x : int
    ...         A number.
    ...     ''')
    >>> d.summary, [e.names for e in d.entries("Parameters")]
    ('Add one.', [['x']])
    """
    if not doc or not doc.strip():
        return Docstring()
    lines = inspect.cleandoc(doc).splitlines()
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = head
    i = 0
    while i < len(lines):
        line = lines[i]
        title = _SECTION_BY_FOLD.get(line.strip().casefold())
        if title and i + 1 < len(lines) and _is_underline(lines[i + 1]) and not line[:1].isspace():
            current = sections.setdefault(title, [])
            i += 2
            continue
        current.append(line)
        i += 1
    for key, body in sections.items():
        sections[key] = _trim(body)
    head = _trim(head)
    cut = head.index("") if "" in head else len(head)
    summary = " ".join(s.strip() for s in head[:cut])
    return Docstring(summary=summary, extended=_trim(head[cut:]), sections=sections)


def _trim(lines: list[str]) -> list[str]:
    lines = [ln.rstrip() for ln in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def parse_entries(lines: list[str], *, returns: bool = False) -> list[Entry]:
    """Parse ``name : type`` entries, each followed by its indented description.

    Parameters
    ----------
    lines : list of str
        A section's lines.
    returns : bool, default False
        True for Returns-like sections, where an entry without ``:`` is a type, not a name.

    Returns
    -------
    list of Entry
        ``"x, y : int"`` gives one entry with the names ``["x", "y"]``.

    Examples
    --------
    >>> [(e.names, e.type) for e in parse_entries(["width, height : int", "    Size."])]
    [(['width', 'height'], 'int')]
    >>> [(e.names, e.type) for e in parse_entries(["pandas.DataFrame"], returns=True)]
    [([], 'pandas.DataFrame')]
    """
    entries: list[Entry] = []
    for line in lines:
        if line and not line[0].isspace():
            if " : " in line or (not returns and ":" in line):
                head, _, typ = line.partition(" : " if " : " in line else ":")
                names = [n.strip() for n in head.split(",") if n.strip()]
                entries.append(Entry(names, typ.strip(), []))
            elif returns:
                entries.append(Entry([], line.strip(), []))
            else:
                names = [n.strip() for n in line.split(",") if n.strip()]
                entries.append(Entry(names, "", []))
        elif entries:
            entries[-1].description.append(line)
    for entry in entries:
        entry.description = _trim(textwrap.dedent("\n".join(entry.description)).splitlines())
    return entries


# --------------------------------------------------------------------------------------------
# signatures
# --------------------------------------------------------------------------------------------


def _annotation(ann: Any) -> str:
    if isinstance(ann, str):
        return ann
    return inspect.formatannotation(ann)


def _default(value: Any) -> str:
    if inspect.isfunction(value) or inspect.isclass(value):
        return value.__qualname__
    text = repr(value)
    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)


def _param_text(p: inspect.Parameter) -> str:
    text = p.name
    if p.kind is inspect.Parameter.VAR_POSITIONAL:
        text = "*" + text
    elif p.kind is inspect.Parameter.VAR_KEYWORD:
        text = "**" + text
    if p.annotation is not inspect.Parameter.empty:
        text += f": {_annotation(p.annotation)}"
        if p.default is not inspect.Parameter.empty:
            text += f" = {_default(p.default)}"
    elif p.default is not inspect.Parameter.empty:
        text += f"={_default(p.default)}"
    return text


def signature_params(member: Member) -> list[inspect.Parameter] | None:
    """The parameters a caller passes (``self``/``cls`` left out), or ``None`` if unknown.

    Parameters
    ----------
    member : Member
        A function, method or class (its constructor).

    Returns
    -------
    list of inspect.Parameter or None
        ``None`` for a property, or a class whose constructor has no Python signature.
    """
    if member.kind == "property":
        return None
    if member.kind == "class":
        init = _own_init(member.obj)
        if init is None:
            try:
                return list(inspect.signature(member.obj).parameters.values())
            except (TypeError, ValueError):
                return None
        return list(inspect.signature(init).parameters.values())[1:]
    func = member.function
    assert func is not None
    params = list(inspect.signature(func).parameters.values())
    return params[1:] if member.kind in ("method", "classmethod") else params


def _own_init(cls: type) -> Callable[..., Any] | None:
    """The first ``__init__`` in the class's MRO written in Python (dataclass ones included)."""
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if inspect.isfunction(init):
            return init
    return None


def format_signature(member: Member) -> str:
    """The call signature as Python text, wrapped one parameter a line when long.

    Parameters
    ----------
    member : Member
        A documented object.

    Returns
    -------
    str
        E.g. ``"load(data: str | Path | None = None, ...) -> Dataset"``; a property is shown as
        ``"name: type"``.
    """
    if member.kind == "property":
        ret = inspect.signature(member.obj.fget).return_annotation
        suffix = "" if ret is inspect.Signature.empty else f": {_annotation(ret)}"
        return f"{member.name}{suffix}"
    params = signature_params(member)
    prefix = "class " if member.kind == "class" else ""
    if params is None:
        return f"{prefix}{member.name}"
    parts: list[str] = []
    kinds = [p.kind for p in params]
    for i, p in enumerate(params):
        if p.kind is inspect.Parameter.KEYWORD_ONLY and (
            i == 0 or kinds[i - 1] not in (inspect.Parameter.KEYWORD_ONLY,
                                           inspect.Parameter.VAR_POSITIONAL)
        ):  # fmt: skip
            parts.append("*")
        parts.append(_param_text(p))
        if p.kind is inspect.Parameter.POSITIONAL_ONLY and (
            i + 1 == len(params) or kinds[i + 1] is not inspect.Parameter.POSITIONAL_ONLY
        ):
            parts.append("/")
    ret = ""
    if member.kind != "class":
        func = member.function
        assert func is not None
        annotation = inspect.signature(func).return_annotation
        if annotation is not inspect.Signature.empty:
            ret = f" -> {_annotation(annotation)}"
    one_line = f"{prefix}{member.name}({', '.join(parts)}){ret}"
    if len(one_line) <= SIGNATURE_WIDTH:
        return one_line
    body = "".join(f"    {part},\n" for part in parts)
    return f"{prefix}{member.name}(\n{body}){ret}"


# --------------------------------------------------------------------------------------------
# docstring checks (tests/test_api_docs.py)
# --------------------------------------------------------------------------------------------


def _returns_value(func: Callable[..., Any]) -> bool:
    """Whether a function without a return annotation returns or yields something."""
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return True  # cannot tell: ask for a Returns section
    tree = ast.parse(source)
    node = tree.body[0]
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(child, ast.Yield | ast.YieldFrom):
            return True
        if isinstance(child, ast.Return) and child.value is not None:
            if not (isinstance(child.value, ast.Constant) and child.value.value is None):
                return True
        stack.extend(ast.iter_child_nodes(child))
    return False


def returns_none(func: Callable[..., Any]) -> bool:
    """Whether a function returns ``None``: annotated ``-> None``, or, unannotated, no
    ``return`` of a value and no ``yield``.

    Parameters
    ----------
    func : callable
        A Python function.

    Returns
    -------
    bool
        True when no Returns section is expected.

    Examples
    --------
    >>> def f() -> None: ...
    >>> returns_none(f)
    True
    """
    annotation = inspect.signature(func).return_annotation
    if annotation is inspect.Signature.empty:
        return not _returns_value(func)
    return annotation is None or annotation is type(None) or annotation == "None"


def _bare(name: str) -> str:
    return name.lstrip("*")


def docstring_problems(member: Member) -> list[str]:
    """What a member's docstring lacks, as short sentences (empty when it is complete).

    The rules: a docstring with a summary line; when the callable takes parameters (``self`` and
    ``cls`` left out), a Parameters section naming exactly those parameters (``*args`` and
    ``**kwargs`` may be written with or without their stars); a Returns or Yields section unless
    the callable returns ``None``. A class is checked on its own ``__init__`` (written in the
    class docstring, as numpydoc asks); a dataclass's generated constructor and a property need
    a summary only (numpydoc documents them as attributes).

    Parameters
    ----------
    member : Member
        A documented object.

    Returns
    -------
    list of str
        One sentence per problem.
    """
    parsed = parse_docstring(member.doc)
    if not parsed.summary:
        return ["no docstring" if not (member.doc or "").strip() else "no summary line"]
    problems: list[str] = []
    if member.kind == "property":
        return problems
    if member.kind == "class":
        init = member.obj.__dict__.get("__init__")
        generated = inspect.isfunction(init) and init.__code__.co_filename != inspect.getfile(
            member.obj
        )  # a dataclass's __init__ is compiled from a string
        if not inspect.isfunction(init) or generated:
            return problems
        params = list(inspect.signature(init).parameters.values())[1:]
        func = None
    else:
        params = signature_params(member) or []
        func = member.function
    names = [p.name for p in params]
    if names:
        if "Parameters" not in parsed.sections:
            problems.append("no Parameters section (parameters: " + ", ".join(names) + ")")
        else:
            documented = [_bare(n) for e in parsed.entries("Parameters") for n in e.names]
            documented += [_bare(n) for e in parsed.entries("Other Parameters") for n in e.names]
            missing = [n for n in names if n not in documented]
            extra = [n for n in documented if n not in names]
            if missing:
                problems.append("parameters not documented: " + ", ".join(missing))
            if extra:
                problems.append("documented but not in the signature: " + ", ".join(extra))
            dupes = sorted({n for n in documented if documented.count(n) > 1})
            if dupes:
                problems.append("documented twice: " + ", ".join(dupes))
    elif "Parameters" in parsed.sections and parsed.entries("Parameters"):
        problems.append("Parameters section but the signature takes no parameters")
    if func is not None and not returns_none(func):
        if "Returns" not in parsed.sections and "Yields" not in parsed.sections:
            problems.append("no Returns section")
    return problems


def docstring_offenders(modules: list[ModuleDoc] | None = None) -> list[str]:
    """Every member of the API whose docstring is incomplete, as ``qualname: problems``.

    Parameters
    ----------
    modules : list of ModuleDoc, optional
        Default: :func:`api_modules`.

    Returns
    -------
    list of str
        In page order.
    """
    out = []
    for member in iter_members(modules):
        problems = docstring_problems(member)
        if problems:
            out.append(f"{member.qualname}: {'; '.join(problems)}")
    return out


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------

_ROLE_RE = re.compile(r":(?:py:)?[a-z]+:`~?([^`<]*?)(?:\s*<([^>]+)>)?`")
_LITERAL_RE = re.compile(r"``(.+?)``")
_CITE_RE = re.compile(r"\[(\w+)\]_")
_ITEM_RE = re.compile(r"(?:[-*+]|\d+[.)])\s")


def rst_inline(text: str) -> str:
    """Turn the reStructuredText inline markup of docstrings into Markdown.

    Parameters
    ----------
    text : str
        One line or paragraph.

    Returns
    -------
    str
        ``` ``x`` ``` and ``:func:`x``` become `` `x` `` (``~a.b`` gives ``b``), ``[1]_``
        becomes ``[1]``.

    Examples
    --------
    >>> rst_inline("See :func:`~csp_analysis.model.load` and ``data``.")
    'See `load` and `data`.'
    """

    def role(match: re.Match[str]) -> str:
        target = match.group(1).strip() or (match.group(2) or "")
        if match.group(0).split("`", 1)[1].startswith("~"):
            target = target.rsplit(".", 1)[-1]
        return f"`{target}`"

    text = _ROLE_RE.sub(role, text)
    text = _LITERAL_RE.sub(lambda m: f"`{m.group(1)}`", text)
    return _CITE_RE.sub(r"[\1]", text)


def prose(lines: list[str]) -> list[str]:
    """Render free text: paragraphs, ``::`` literal blocks, ``.. math::`` and citations.

    Parameters
    ----------
    lines : list of str
        Dedented lines of reStructuredText.

    Returns
    -------
    list of str
        Markdown lines.

    Examples
    --------
    >>> prose(["The input", "is::", "", "    a,b", "    1,2"])
    ['The input is:', '', '```text', 'a,b', '1,2', '```']
    """
    out: list[str] = []
    para: list[str] = []  # logical lines of the paragraph: a list item starts a new one

    def flush() -> None:
        out.extend(rst_inline(text) for text in para)
        para.clear()

    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped:
            flush()
            if out and out[-1]:
                out.append("")
            i += 1
            continue
        if stripped.startswith(".. math::") or (
            stripped.endswith("::") and not stripped.startswith("..")
        ):
            if stripped.startswith(".. math::"):
                lang, rest = "math", stripped[len(".. math::") :].strip()
                block = [rest] if rest else []
            else:
                lang, block = "text", []
                text = stripped[:-2].rstrip()
                if text:
                    text = text if text.endswith(":") else text + ":"
                    if para and not _ITEM_RE.match(stripped):
                        para[-1] += " " + text
                    else:
                        para.append(text)
            flush()
            i += 1
            raw: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i][:1].isspace()):
                raw.append(lines[i])
                i += 1
            block += _trim(textwrap.dedent("\n".join(raw)).splitlines())
            if out and out[-1]:
                out.append("")
            out += [f"```{lang}", *block, "```", ""]
            continue
        cite = re.match(r"\.\. \[(\w+)\]\s*(.*)", stripped)
        if cite:
            para.append(f"- [{cite.group(1)}] {cite.group(2)}")
        elif not para or _ITEM_RE.match(stripped):
            para.append(stripped)
        else:
            para[-1] += " " + stripped
        i += 1
    flush()
    return _trim(out)


def examples(lines: list[str]) -> list[str]:
    """Render an Examples section: doctest blocks as ``pycon`` code, text as paragraphs.

    Parameters
    ----------
    lines : list of str
        The section's lines.

    Returns
    -------
    list of str
        Markdown lines.

    Examples
    --------
    >>> examples([">>> 1 + 1", "2"])
    ['```pycon', '>>> 1 + 1', '2', '```']
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            block = textwrap.dedent("\n".join(block)).splitlines()
            if out and out[-1]:
                out.append("")
            out += ["```pycon", *block, "```"]
            continue
        if lines[i].strip() or (out and out[-1]):
            out.append(rst_inline(lines[i].strip()))
        i += 1
    return _trim(out)


def _entry_lines(entries: list[Entry]) -> list[str]:
    out = []
    for e in entries:
        names = ", ".join(f"`{n}`" for n in e.names)
        head = f"**{names}**" if names else ""
        typ = rst_inline(e.type).replace("*", r"\*")
        if typ:
            head = f"{head} : *{typ}*" if head else f"*{typ}*"
        desc = prose(e.description)
        if desc:
            head += " —" if head else ""
            out.append(f"- {head} {desc[0]}".rstrip() if head else f"- {desc[0]}")
            out += [f"  {d}" if d else "" for d in desc[1:]]
        else:
            out.append(f"- {head}")
    return out


def render_sections(parsed: Docstring) -> list[str]:
    """Markdown of a parsed docstring: summary, extended summary, then sections.

    Parameters
    ----------
    parsed : Docstring
        From :func:`parse_docstring`.

    Returns
    -------
    list of str
        Markdown lines, sections in :data:`RENDER_ORDER`.
    """
    out: list[str] = []
    if parsed.summary:
        out += [rst_inline(parsed.summary), ""]
    if parsed.extended:
        out += [*prose(parsed.extended), ""]
    for section in RENDER_ORDER:
        body = parsed.sections.get(section)
        if not body:
            continue
        out += [f"**{section}**", ""]
        if section in ENTRY_SECTIONS:
            out += _entry_lines(parsed.entries(section))
        elif section == "Examples":
            out += examples(body)
        elif section == "See Also":
            out += [f"- {rst_inline(line.strip())}" for line in body if line.strip()
                    and not line[:1].isspace()]  # fmt: skip
        else:
            out += prose(body)
        out.append("")
    return out


def anchor(qualname: str) -> str:
    """The HTML id of an object's heading: its dotted name, which is unique and case-sensitive.

    Parameters
    ----------
    qualname : str
        Dotted name.

    Returns
    -------
    str
        The name with anything but letters, digits, ``.``, ``_`` and ``-`` made ``-``.

    Examples
    --------
    >>> anchor("csp_analysis.Dataset.save")
    'csp_analysis.Dataset.save'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "-", qualname)


def _member_markdown(member: Member, level: int) -> list[str]:
    label = {"class": "class", "property": "property", "classmethod": "class method",
             "staticmethod": "static method", "method": "method",
             "function": "function"}[member.kind]  # fmt: skip
    out = [
        f'<a id="{anchor(member.qualname)}"></a>',
        "",
        f"{'#' * level} `{member.qualname}` ({label})",
        "",
        "```python",
        format_signature(member),
        "```",
        "",
    ]
    if member.kind == "class":
        bases = [b for b in member.obj.__bases__ if b is not object]
        if bases:
            out += ["Bases: " + ", ".join(f"`{b.__name__}`" for b in bases), ""]
    parsed = parse_docstring(member.doc)
    if not parsed.summary:
        out += ["_No docstring._", ""]
    out += render_sections(parsed)
    for sub in member.members:
        out += _member_markdown(sub, level + 1)
    return out


def _module_intro(module: ModuleType) -> list[str]:
    parsed = parse_docstring(module.__doc__)
    out = [rst_inline(parsed.summary), ""] if parsed.summary else []
    if parsed.extended:
        out += [*prose(parsed.extended), ""]
    if parsed.sections.get("References"):
        out += ["**References**", "", *prose(parsed.sections["References"]), ""]
    if parsed.sections.get("Examples"):
        out += ["**Examples**", "", *examples(parsed.sections["Examples"]), ""]
    return out


def _constant_lines(constants: list[tuple[str, Any]]) -> list[str]:
    if not constants:
        return []
    out = ["**Constants**", ""]
    for name, value in constants:
        text = _default(value)
        if len(text) <= 70:
            out.append(f"- `{name} = {text}`")
        else:
            wrapped = pprint.pformat(value, width=SIGNATURE_WIDTH - 4, compact=True).splitlines()
            wrapped = [f"{name} = {wrapped[0]}", *(" " * (len(name) + 3) + w for w in wrapped[1:])]
            out += [f"- `{name}`:", "", "  ```python", *(f"  {w}" for w in wrapped), "  ```"]
    return [*out, ""]


def render(modules: list[ModuleDoc] | None = None) -> str:
    """The whole of ``docs/api.md`` as text.

    Parameters
    ----------
    modules : list of ModuleDoc, optional
        Default: :func:`api_modules`.

    Returns
    -------
    str
        Markdown ending with one newline; the same text for the same docstrings.
    """
    modules = api_modules() if modules is None else modules
    out = [
        "# API reference",
        "",
        "<!-- Generated by tools/make_api_docs.py from the docstrings: do not edit by hand. -->",
        "",
        "The public Python API of `csp_analysis`, for analysts working in JupyterLab. "
        f"This page is generated from the numpydoc docstrings: after changing one, run "
        f"`{COMMAND}` (a test checks the page is up to date).",
        "",
        "## Contents",
        "",
    ]
    group = None
    for mod in modules:
        if mod.spec.group != group:
            group = mod.spec.group
            out += ["", f"**{group}**", ""] if out[-1] != "" else [f"**{group}**", ""]
        summary = parse_docstring(mod.module.__doc__).summary
        names = ", ".join(f"[`{m.name}`](#{anchor(m.qualname)})" for m in mod.members)
        line = f"- [`{mod.spec.name}`](#{anchor(mod.spec.name)})"
        if summary:
            line += f": {rst_inline(summary)}"
        out.append(line)
        if names:
            out.append(f"  {names}")
    out.append("")
    for mod in modules:
        out += [
            f'<a id="{anchor(mod.spec.name)}"></a>',
            "",
            f"## `{mod.spec.name}`",
            "",
            *_module_intro(mod.module),
        ]
        if mod.spec.only is not None:
            out += ["Documented here: " + ", ".join(f"`{n}`" for n in mod.spec.only) + ".", ""]
        out += _constant_lines(mod.constants)
        for member in mod.members:
            out += _member_markdown(member, 3)
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write :data:`TARGET`, or with ``--check`` report whether it is up to date.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0, or 1 when ``--check`` finds the page out of date.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check docs/api.md is current")
    parser.add_argument("--offenders", action="store_true",
                        help="also list docstrings that miss required sections")  # fmt: skip
    args = parser.parse_args(argv)
    modules = api_modules()
    text = render(modules)
    if args.offenders:
        for line in docstring_offenders(modules):
            print(line)
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.is_file() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run {COMMAND}", file=sys.stderr)
            return 1
        print(f"{TARGET.relative_to(ROOT)} is up to date")
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
