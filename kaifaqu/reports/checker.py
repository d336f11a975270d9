"""Reading a Word template's placeholders, and refusing the ones a draft could not fill.

Word splits text into runs wherever formatting, spell-checking or revision marks change; a
placeholder typed in two goes may end up as ``{{ f("gd`` in one run and ``p") }}`` in the
next. docxtpl would glue such pieces back silently and drop the formatting of one of them, so
the check refuses the template instead and names the placeholder, and staff retype it in one
go. It refuses too: a call that is not in the vocabulary (``vocabulary.py``), arguments that
are not constants, an unknown metric code, show-kind, fact, unit kind or chart kind.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from django.utils.translation import gettext as _
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from jinja2 import Environment, TemplateSyntaxError, nodes
from lxml import etree

from .vocabulary import (
    CHART_KINDS,
    FACT_SHOWS,
    FUNCTIONS,
    MAX_LAG,
    OPTIONS,
    POSITIONAL,
    SHOW_KINDS,
    UNIT_KINDS,
    Call,
    Problem,
    Scan,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "＂": '"'})
_OPEN = re.compile(r"\{[{%#]")
_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}
_BLOCK_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_env = Environment(autoescape=True)  # parses placeholders; renders nothing


class TemplateRefused(ValueError):
    """The template cannot be used; ``problems`` names each placeholder and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def parts_of(document) -> Iterator[etree._Element]:
    """The XML of the body, then of each header and footer."""
    yield document.element.body
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            yield rel.target_part.element


def placeholders(document) -> Iterator[tuple[str, bool]]:
    """Each placeholder's text and whether it lies in more than one run (or no end)."""
    for root in parts_of(document):
        for paragraph in root.iter(f"{W}p"):
            pieces = [(t.text or "", t) for t in paragraph.iter(f"{W}t")]
            text = "".join(p for p, _t in pieces)
            if "{" not in text:
                continue
            owner: list[int] = []
            for i, (piece, _t) in enumerate(pieces):
                owner.extend([i] * len(piece))
            at = 0
            while (match := _OPEN.search(text, at)) is not None:
                start = match.start()
                end = text.find(_CLOSE[match.group()], start + 2)
                if end < 0:
                    yield text[start : start + 40], True
                    break
                end += 2
                yield text[start:end], len(set(owner[start:end])) > 1
                at = end


def scan_docx(content: bytes) -> Scan:
    """The calls of a template and the problems of its placeholders (none: it may be used)."""
    scan = Scan()
    try:
        document = Document(io.BytesIO(content))
    except Exception:  # python-docx raises several kinds on a file that is not Word's
        scan.problems.append(Problem("", _("This is not a Word (.docx) file.")))
        return scan
    for text, split in placeholders(document):
        if split:
            scan.problems.append(
                Problem(
                    text,
                    _(
                        "Word has split this placeholder into differently formatted pieces "
                        "(or it is not closed in its paragraph). Delete it and type it again "
                        "in one go, with one format."
                    ),
                )
            )
            continue
        _scan_placeholder(text, scan)
    _check_metrics(scan)
    return scan


def check_docx(content: bytes) -> Scan:
    """The scan of a template that may be used; raises TemplateRefused otherwise."""
    scan = scan_docx(content)
    if scan.problems:
        raise TemplateRefused(scan.problems)
    return scan


def _scan_placeholder(text: str, scan: Scan) -> None:
    def refuse(message: str) -> None:
        scan.problems.append(Problem(text, message))

    if text.startswith("{#"):
        return  # a comment
    if not text.startswith("{{"):
        refuse(_("Templates hold placeholders {{ … }} only; conditions and loops are not used."))
        return
    try:
        tree = _env.parse(text.translate(CURLY_QUOTES))
    except TemplateSyntaxError as e:
        refuse(_("This placeholder cannot be read: %(error)s.") % {"error": e.message})
        return
    output = tree.body[0] if len(tree.body) == 1 else None
    expr = output.nodes[0] if isinstance(output, nodes.Output) and output.nodes else None
    if not (isinstance(expr, nodes.Call) and isinstance(expr.node, nodes.Name)):
        refuse(_('A placeholder is one call, such as {{ f("gdp", "value") }}.'))
        return
    name = expr.node.name
    if name not in FUNCTIONS:
        refuse(
            _("Unknown placeholder %(name)s; known: %(known)s.")
            % {"name": name, "known": ", ".join(FUNCTIONS)}
        )
        return
    if (
        expr.dyn_args
        or expr.dyn_kwargs
        or not all(
            isinstance(a, nodes.Const) for a in [*expr.args, *(k.value for k in expr.kwargs)]
        )
    ):
        refuse(_("Arguments must be written out (text in quotes, or numbers)."))
        return
    args = tuple(a.value for a in expr.args)
    kwargs = {k.key: k.value.value for k in expr.kwargs}
    least, most = POSITIONAL[name]
    if not least <= len(args) <= most:
        refuse(
            _("%(name)s takes %(least)d to %(most)d arguments.")
            % {"name": name, "least": least, "most": most}
        )
        return
    for key, value in kwargs.items():
        kind = OPTIONS[name].get(key)
        if kind is None:
            refuse(_("%(name)s has no option %(option)s.") % {"name": name, "option": key})
            return
        if type(value) is not kind:
            refuse(
                _("The option %(option)s takes a %(kind)s.")
                % {"option": key, "kind": kind.__name__}
            )
            return
    if not all(isinstance(a, str) for a in args):
        refuse(_("Arguments are text in quotes."))
        return
    call = Call(name, args, tuple(sorted(kwargs.items())), source=text)
    message = _check_call(call)
    if message:
        refuse(message)
        return
    scan.calls.append(call)


def _check_call(call: Call) -> str:
    from kaifaqu.orgs.models import ProfileFactKey

    if not 0 <= call.lag <= MAX_LAG:
        return _("lag is a number of months from 0 to %(most)d.") % {"most": MAX_LAG}
    if call.name == "f":
        if call.show not in SHOW_KINDS:
            return _("Unknown show-kind %(show)s; known: %(known)s.") % {
                "show": call.show,
                "known": ", ".join(SHOW_KINDS),
            }
        if call.show.startswith("part_") and "part" not in call.options:
            return _('%(show)s needs part="…", the code of the part.') % {"show": call.show}
        if call.options.get("with_parts") and call.show not in ("rank", "growth_rank"):
            return _("with_parts goes with rank and growth_rank only.")
    elif call.name == "fact":
        if call.args[0] not in ProfileFactKey.values:
            return _("Unknown profile fact %(key)s; known: %(known)s.") % {
                "key": call.args[0],
                "known": ", ".join(ProfileFactKey.values),
            }
        if call.show not in FACT_SHOWS:
            return _("A fact shows %(known)s.") % {"known": ", ".join(FACT_SHOWS)}
    elif call.name == "units" and call.args[0] not in UNIT_KINDS:
        return _("units takes %(known)s.") % {"known": ", ".join(UNIT_KINDS)}
    elif call.name == "chart" and call.show not in CHART_KINDS:
        return _("Unknown chart kind %(kind)s; known: %(known)s.") % {
            "kind": call.show,
            "known": ", ".join(CHART_KINDS),
        }
    elif call.name == "block" and not _BLOCK_KEY.match(call.args[0]):
        return _("A block's key is lower-case letters, digits and _.")
    return ""


def _check_metrics(scan: Scan) -> None:
    """Every metric and part named exists (one read of the catalogue)."""
    from kaifaqu.metrics.selectors import metric_definitions

    wanted = scan.metrics | {c.options["part"] for c in scan.of("f") if "part" in c.options}
    if not wanted:
        return
    known = metric_definitions(wanted)
    for call in list(scan.calls):
        if call.name not in ("f", "chart"):
            continue
        code, part = call.args[0], call.options.get("part")
        if code not in known:
            message = _("Unknown metric %(code)s.") % {"code": code}
        elif part and part not in known[code].parts:
            message = _("%(part)s is not a part of %(code)s.") % {"part": part, "code": code}
        elif call.name == "chart" and not known[code].parts:
            message = _("%(code)s has no parts to chart.") % {"code": code}
        elif call.options.get("with_parts") and not known[code].parts:
            message = _("%(code)s has no parts to rank with it.") % {"code": code}
        else:
            continue
        scan.calls.remove(call)
        scan.problems.append(Problem(call.source, message))
